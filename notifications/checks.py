"""Start-up checks of the reminder timing: a live sender is never overtaken.

A row is taken over only when its lease went unrenewed for
REMINDER_CLAIM_TIMEOUT_SECONDS. A sending task renews it while it works, and may
run at most CELERY_TASK_TIME_LIMIT, so a lease longer than that limit cannot
expire under a live task even if its renewals stalled; and the broker must not
hand a task still running to another worker.
"""

from django.conf import settings
from django.core import checks


def reminder_timing_problems() -> list[str]:
    return [text for _, text in _problems()]


def _problems() -> list[tuple[str, str]]:
    lease = settings.REMINDER_CLAIM_TIMEOUT_SECONDS
    soft = settings.CELERY_TASK_SOFT_TIME_LIMIT
    hard = settings.CELERY_TASK_TIME_LIMIT
    problems = []
    if lease <= 0:
        problems.append(("E001", f"REMINDER_CLAIM_TIMEOUT_SECONDS must be positive, not {lease}"))
    if hard and soft and soft >= hard:
        problems.append(
            (
                "E002",
                f"CELERY_TASK_SOFT_TIME_LIMIT ({soft} s) must be below CELERY_TASK_TIME_LIMIT "
                f"({hard} s), so an interrupted chunk can write what it sent",
            )
        )
    if not hard:
        problems.append(
            ("E003", "CELERY_TASK_TIME_LIMIT must be set: a lease must outlast any task")
        )
    elif lease <= hard:
        problems.append(
            (
                "E004",
                f"REMINDER_CLAIM_TIMEOUT_SECONDS ({lease} s) must exceed CELERY_TASK_TIME_LIMIT "
                f"({hard} s), or a live sending task's rows could be taken over",
            )
        )
    visibility = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get(
        "visibility_timeout"
    )
    if visibility is not None and hard and visibility <= hard:
        problems.append(
            (
                "E005",
                f"the broker's visibility_timeout ({visibility} s) must exceed "
                f"CELERY_TASK_TIME_LIMIT ({hard} s), or a running task is delivered twice",
            )
        )
    return problems


@checks.register("notifications")
def reminder_timing_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(text, id=f"notifications.{code}") for code, text in _problems()]
