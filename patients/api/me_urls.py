"""Mounted at /api/v1/me (no trailing slash), so "" is /api/v1/me itself."""

from django.urls import path

from patients.api.me_views import MeView

urlpatterns = [
    path("", MeView.as_view(), name="me"),
]
