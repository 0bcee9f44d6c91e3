"""Writing webhook messages: one outbox row per (event, endpoint), in the caller's
transaction, handed to Celery only once that transaction commits."""

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.webhooks.models import WebhookEndpoint, WebhookMessage


def _msg_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _enqueue(message_ids: list[int]) -> None:
    from notifications.tasks import deliver_webhooks

    deliver_webhooks.delay(message_ids)


def webhook_event_emit(
    *, clinic_id: int, event_type: str, data: Mapping[str, Any]
) -> list[WebhookMessage]:
    """Outbox rows for every active endpoint of the clinic that wants `event_type`:
    one query to find them and one INSERT. Nothing is sent before commit, and a
    rolled-back change leaves no row and sends nothing."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(clinic_id=clinic_id, active=True)
        .only("id", "events")
        .order_by("id")
        if event_type in endpoint.events
    ]
    if not endpoints:
        return []
    now = timezone.now()
    payload = {
        "type": event_type,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": {"clinic_id": clinic_id, **data},
    }
    messages = WebhookMessage.objects.bulk_create(
        [
            WebhookMessage(
                endpoint_id=endpoint.pk,
                msg_id=_msg_id(),
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        ]
    )
    ids = [message.pk for message in messages]
    if None in ids:  # backends that return no ids from a bulk INSERT
        ids = list(
            WebhookMessage.objects.filter(
                msg_id__in=[message.msg_id for message in messages]
            ).values_list("pk", flat=True)
        )
    transaction.on_commit(lambda: _enqueue(ids))
    return messages


def webhook_message_replay(*, message: WebhookMessage) -> WebhookMessage:
    """Send a message again by hand (same webhook-id, so receivers can deduplicate)."""
    with transaction.atomic():
        WebhookMessage.objects.filter(pk=message.pk).update(
            status=WebhookMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            claimed_at=None,
        )
        transaction.on_commit(lambda: _enqueue([message.pk]))
    message.refresh_from_db()
    return message
