"""Celery tasks: thin wrappers that load ids and call a service."""

from celery import shared_task

from notifications.services import digests, planning, sending


@shared_task(name="notifications.tasks.plan_reminders", ignore_result=True)
def plan_reminders() -> dict:
    result = planning.reminders_plan()
    return dict(result.counts)


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
