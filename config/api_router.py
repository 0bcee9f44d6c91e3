"""Every /api/v1/ route, gathered from the apps."""

from django.urls import include, path

urlpatterns = [
    path("auth/", include("patients.api.auth_urls")),
    path("me", include("patients.api.me_urls")),
    path("me/", include("programs.api.me_urls")),
    path("me/", include("notifications.api.urls")),
    path("me/", include("patients.api.session_urls")),
    path("", include("notifications.api.webhook_urls")),
    path("", include("programs.api.clinic_urls")),
]
