"""When and how: push devices, the reminder outbox and clinician digests."""

from django.db import models
from django.db.models import Q

from patients.models import Clinician, Patient


class Device(models.Model):
    class Platform(models.TextChoices):
        FCM = "fcm", "Firebase Cloud Messaging"
        APNS = "apns", "Apple Push Notification service"
        WEBPUSH = "webpush", "Web Push"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="devices")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    token = models.TextField(help_text="Registration token, device token or Web Push endpoint.")
    # Web Push subscriptions also carry the browser's keys (p256dh, auth).
    webpush_keys = models.JSONField(default=dict, blank=True)
    name = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    deactivated_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["patient", "active"])]
        constraints = [
            models.UniqueConstraint(fields=["token"], name="device_token_unique"),
            models.CheckConstraint(
                condition=Q(platform__in=["fcm", "apns", "webpush"]), name="device_platform_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} device of {self.patient}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Delivery(models.Model):
    """The outbox: one row per (patient, local date, channel), sent or not."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PUSH = "push", "Push"

    class SkipReason(models.TextChoices):
        COMPLETED = "completed", "Routine already complete"
        UNSUBSCRIBED = "unsubscribed", "Email unsubscribed or bounced"
        NO_DEVICE = "no_device", "No active push device"
        QUIET_HOURS = "quiet_hours", "Inside quiet hours until the day ended"
        MISSED = "missed", "Due while the scheduler was down; never sent late"
        DISABLED = "disabled", "Reminders or the channel were turned off"
        NOTHING_SCHEDULED = "nothing_scheduled", "Nothing scheduled any more"

    Status = DeliveryStatus

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="deliveries")
    local_date = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField(help_text="The instant the reminder became due.")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date", "patient_id", "channel"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date", "channel"], name="delivery_once_per_day_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "push"]), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "skipped"]),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} reminder for {self.patient} on {self.local_date}: {self.status}"


class DigestDelivery(models.Model):
    """At most one digest email per clinician and local date."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="digests")
    local_date = models.DateField()
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    skip_reason = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["clinician", "local_date"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"digest for {self.clinician} on {self.local_date}: {self.status}"


from notifications.webhooks.models import (  # noqa: E402  (registers the webhook models)
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEvent,
    WebhookMessage,
)

__all__ = [
    "Delivery",
    "DeliveryStatus",
    "Device",
    "DigestDelivery",
    "WebhookAttempt",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookMessage",
]
