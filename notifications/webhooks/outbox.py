"""Writing webhook messages: one outbox row per (event, endpoint), in the caller's
transaction, handed to Celery only once that transaction commits."""

import uuid
from collections.abc import Iterable, Mapping
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
    """Outbox rows for one event: see webhook_events_emit."""
    return webhook_events_emit(event_type=event_type, events=[(clinic_id, data)])


def webhook_events_emit(
    *, event_type: str, events: Iterable[tuple[int, Mapping[str, Any]]]
) -> list[WebhookMessage]:
    """Outbox rows for every active endpoint of each event's clinic that wants
    `event_type`: one query to find the endpoints of all the clinics and one INSERT,
    however many events (a daily alert pass opens hundreds at once). Nothing is sent
    before commit, and a rolled-back change leaves no row and sends nothing."""
    events = list(events)
    if not events:
        return []
    by_clinic: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in (
        WebhookEndpoint.objects.filter(
            clinic_id__in={clinic_id for clinic_id, _ in events}, active=True
        )
        .only("id", "clinic_id", "events")
        .order_by("id")
    ):
        if event_type in endpoint.events:
            by_clinic.setdefault(endpoint.clinic_id, []).append(endpoint)
    if not by_clinic:
        return []
    now = timezone.now()
    timestamp = now.isoformat().replace("+00:00", "Z")
    messages = WebhookMessage.objects.bulk_create(
        [
            WebhookMessage(
                endpoint_id=endpoint.pk,
                msg_id=_msg_id(),
                event_type=event_type,
                payload={
                    "type": event_type,
                    "timestamp": timestamp,
                    "data": {"clinic_id": clinic_id, **data},
                },
                next_attempt_at=now,
            )
            for clinic_id, data in events
            for endpoint in by_clinic.get(clinic_id, [])
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
