"""Celery tasks: thin wrappers that load ids and call a service."""

from celery import shared_task
from django.utils import timezone

from notifications.services import digests, planning, sending
from notifications.webhooks.delivery import due_message_ids, webhook_message_deliver
from programs.outcomes.planning import checkins_plan

# A retry due later than this waits for the dispatch sweep rather than an ETA task.
WEBHOOK_ETA_MAX_SECONDS = 600


@shared_task(name="notifications.tasks.plan_reminders", ignore_result=True)
def plan_reminders() -> dict:
    now = timezone.now()
    # Check-ins fall due at the same local moment as reminders, so the same tick plans
    # them, first: the day's reminder then tells of the check-in it finds due.
    checkins = checkins_plan(now=now)
    result = planning.reminders_plan(now=now)
    return {**result.counts, **{f"checkin_{measure}": n for measure, n in checkins.items()}}


@shared_task(
    bind=True,
    name="notifications.tasks.send_deliveries",
    ignore_result=True,
    max_retries=20,
)
def send_deliveries(self, delivery_ids: list[int]) -> None:
    result = sending.deliveries_send(delivery_ids=delivery_ids)
    if result.retry:
        # Only the rows that hit a transient error go again; the rest are settled.
        raise self.retry(
            args=(result.retry,), countdown=sending.retry_countdown(self.request.retries)
        )


@shared_task(name="notifications.tasks.plan_digests", ignore_result=True)
def plan_digests() -> int:
    return len(digests.digests_plan())


@shared_task(name="notifications.tasks.send_digests", ignore_result=True)
def send_digests(digest_ids: list[int]) -> None:
    digests.digests_send(digest_ids=digest_ids)


@shared_task(name="notifications.tasks.deliver_webhooks", ignore_result=True)
def deliver_webhooks(message_ids: list[int]) -> None:
    """Try each message once; a transient failure soon due is queued again for its
    retry time, a later one is picked up by `dispatch_due_webhooks`."""
    for message_id in message_ids:
        outcome = webhook_message_deliver(message_id=message_id)
        if outcome.retry_at is None:
            continue
        delay = (outcome.retry_at - timezone.now()).total_seconds()
        if delay <= WEBHOOK_ETA_MAX_SECONDS:
            deliver_webhooks.apply_async(([message_id],), countdown=max(delay, 0))


@shared_task(name="notifications.tasks.dispatch_due_webhooks", ignore_result=True)
def dispatch_due_webhooks() -> int:
    """Every minute: retries due, and messages whose task was lost (a broker
    outage, a dead worker)."""
    ids = due_message_ids()
    if ids:
        deliver_webhooks.delay(ids)
    return len(ids)
