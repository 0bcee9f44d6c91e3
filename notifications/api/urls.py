"""Mounted at /api/v1/me/."""

from django.urls import path

from notifications.api.views import DeviceDetailView, DevicesView

urlpatterns = [
    path("devices", DevicesView.as_view(), name="me-devices"),
    path("devices/<int:pk>", DeviceDetailView.as_view(), name="me-device-detail"),
]
