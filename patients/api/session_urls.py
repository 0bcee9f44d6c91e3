from django.urls import path

from patients.api.session_views import SessionDetailView, SessionsView

urlpatterns = [
    path("sessions", SessionsView.as_view(), name="me-sessions"),
    path("sessions/<int:pk>", SessionDetailView.as_view(), name="me-session-detail"),
]
