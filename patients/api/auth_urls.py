from django.urls import path

from patients.api.auth_views import ActivateView, LoginView, LogoutView

urlpatterns = [
    path("login", LoginView.as_view(), name="auth-login"),
    path("logout", LogoutView.as_view(), name="auth-logout"),
    path("activate", ActivateView.as_view(), name="auth-activate"),
]
