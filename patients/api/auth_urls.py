from django.urls import path

from patients.api.auth_views import (
    ActivateView,
    LoginView,
    LogoutAllView,
    LogoutView,
    PasswordResetConfirmView,
    PasswordResetView,
)

urlpatterns = [
    path("login", LoginView.as_view(), name="auth-login"),
    path("logout", LogoutView.as_view(), name="auth-logout"),
    path("logout-all", LogoutAllView.as_view(), name="auth-logout-all"),
    path("activate", ActivateView.as_view(), name="auth-activate"),
    path("password-reset", PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "password-reset/confirm",
        PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
]
