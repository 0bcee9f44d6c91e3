"""Webhook endpoints of a clinic, their outbox of messages, and every attempt."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from patients.models import Clinic


class WebhookEvent(models.TextChoices):
    PATIENT_ACTIVATED = "patient.activated", "A patient activated their account"
    PROGRAM_ASSIGNED = "program.assigned", "A program was assigned"
    PROGRAM_UPDATED = "program.updated", "A program was edited, paused, resumed or completed"
    LOG_CREATED = "log.created", "A patient uploaded logs (one event per upload)"
    ALERT_OPENED = "alert.opened", "An alert was opened"
    ALERT_RESOLVED = "alert.resolved", "An alert was resolved"
    RTM_THRESHOLD_REACHED = (
        "rtm.threshold_reached",
        "A patient reached 2 or 16 data days in a 30-day period",
    )


class WebhookEndpoint(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2048)
    events = models.JSONField(default=list, help_text="Event types this endpoint receives.")
    description = models.CharField(max_length=200, blank=True)
    # The signing key (whsec_...): shown once to the owner, needed in clear to sign.
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["clinic", "id"]
        indexes = [models.Index(fields=["clinic", "active"])]

    def __str__(self) -> str:
        return f"{self.url} ({self.clinic})"


class WebhookMessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookMessage(models.Model):
    """The outbox: one row per (event, endpoint). `msg_id` is the `webhook-id` header,
    the same on every attempt so receivers can drop repeats."""

    Status = WebhookMessageStatus

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    msg_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=WebhookMessageStatus.choices, default=WebhookMessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "delivered", "failed"]),
                name="webhook_message_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id} to {self.endpoint_id}: {self.status}"


class WebhookAttempt(models.Model):
    """One POST of a message: what came back, how long it took."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=10, help_text="delivered, retry or failed")

    class Meta:
        ordering = ["message", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="webhook_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.message_id}: {self.status_code or self.error}"
