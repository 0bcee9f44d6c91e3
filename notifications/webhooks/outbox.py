"""Writing webhook messages: one outbox row per (event, endpoint), in the caller's
transaction, handed to Celery only once that transaction commits."""

import uuid
from collections.abc import Mapping, Sequence
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
    return webhook_events_emit(events=[(clinic_id, event_type, data)])


def webhook_events_emit(
    *, events: Sequence[tuple[int, str, Mapping[str, Any]]]
) -> list[WebhookMessage]:
    """Outbox rows for each (clinic id, event type, data): one per active endpoint of
    that clinic that wants the type. One query finds the endpoints and one INSERT
    writes the rows, however many events and clinics. Nothing is sent before commit,
    and a rolled-back change leaves no row and sends nothing."""
    if not events:
        return []
    endpoints_of: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in (
        WebhookEndpoint.objects.filter(
            clinic_id__in={clinic_id for clinic_id, _, _ in events}, active=True
        )
        .only("id", "clinic_id", "events")
        .order_by("id")
    ):
        endpoints_of.setdefault(endpoint.clinic_id, []).append(endpoint)
    if not endpoints_of:
        return []
    now = timezone.now()
    stamp = now.isoformat().replace("+00:00", "Z")
    rows = []
    for clinic_id, event_type, data in events:
        payload = {"type": event_type, "timestamp": stamp, "data": {"clinic_id": clinic_id, **data}}
        rows += [
            WebhookMessage(
                endpoint_id=endpoint.pk,
                msg_id=_msg_id(),
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint in endpoints_of.get(clinic_id, ())
            if event_type in endpoint.events
        ]
    if not rows:
        return []
    messages = WebhookMessage.objects.bulk_create(rows)
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
