"""Mounted at /api/v1/."""

from django.urls import path

from notifications.api import webhook_views

urlpatterns = [
    path("webhooks", webhook_views.WebhookEndpointListView.as_view(), name="webhook-list"),
    path(
        "webhooks/<int:pk>",
        webhook_views.WebhookEndpointDetailView.as_view(),
        name="webhook-detail",
    ),
    path(
        "webhooks/<int:pk>/messages",
        webhook_views.WebhookMessageListView.as_view(),
        name="webhook-messages",
    ),
    path(
        "webhooks/<int:pk>/messages/<int:message_id>/replay",
        webhook_views.WebhookMessageReplayView.as_view(),
        name="webhook-message-replay",
    ),
]
