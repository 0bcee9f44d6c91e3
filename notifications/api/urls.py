"""Mounted at /api/v1/me/."""

from django.urls import path

from notifications.api.views import (
    DeviceDetailView,
    DevicesView,
    EmailSubscriptionView,
    PushConfigView,
)

urlpatterns = [
    path("devices", DevicesView.as_view(), name="me-devices"),
    path("devices/<int:pk>", DeviceDetailView.as_view(), name="me-device-detail"),
    path("push-config", PushConfigView.as_view(), name="me-push-config"),
    path("email-subscription", EmailSubscriptionView.as_view(), name="me-email-subscription"),
]
