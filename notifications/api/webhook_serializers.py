"""Webhook endpoints and their messages, as the clinic owner sees them."""

from rest_framework import serializers

from notifications.outbound import MAX_URL_LENGTH
from notifications.webhooks.models import (
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEvent,
    WebhookMessage,
)


class WebhookEndpointInSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=MAX_URL_LENGTH, help_text="https only; a public host name, no IP address."
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.choices),
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False, help_text="Switch a disabled endpoint back on (clears its failure run)."
    )


class WebhookEndpointOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "description",
            "active",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointOutSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing key (Standard Webhooks, whsec_...). Shown only in this answer.",
    )

    class Meta(WebhookEndpointOutSerializer.Meta):
        fields = [*WebhookEndpointOutSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "started_at",
            "status_code",
            "latency_ms",
            "outcome",
            "error",
            "response_excerpt",
        ]
        read_only_fields = fields


class WebhookMessageSerializer(serializers.ModelSerializer):
    tries = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookMessage
        fields = [
            "id",
            "msg_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "created_at",
            "payload",
            "tries",
        ]
        read_only_fields = fields
