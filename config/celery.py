"""The Celery app: JSON only, late acknowledgement, bounded retries, time limits.

Exactly one beat runs (see README); its schedule lives here.
"""

import os
import sys

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init

from config.settings_module import default_settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

app = Celery("hep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # A task is acknowledged after it ran, so a worker that dies mid-task leaves it
    # to be redelivered; the task's own claim makes the redelivery harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # With late ack, a prefetched message is held hostage by a busy worker; one at a
    # time keeps chunks flowing to whichever worker is free.
    worker_prefetch_multiplier=1,
    # A task that fails by exception or time limit is acknowledged (its rows are
    # recovered by the planner's stale-claim sweep); only a lost worker redelivers.
    task_acks_on_failure_or_timeout=True,
    # Time limits and queues come from settings (CELERY_TASK_*).
    # Retries are bounded per task (max_retries) and per row (REMINDER_MAX_ATTEMPTS).
    task_default_retry_delay=30,
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 3,
        "interval_start": 0.2,
        "interval_step": 0.5,
        "interval_max": 2,
    },
    worker_max_tasks_per_child=1000,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    beat_schedule={
        # Every minute, on the minute: reminder times are whole minutes.
        "plan-reminders": {
            "task": "notifications.tasks.plan_reminders",
            "schedule": crontab(),
            "options": {"expires": 55},
        },
        "send-digests": {
            "task": "notifications.tasks.plan_digests",
            "schedule": crontab(),
            "options": {"expires": 55},
        },
        "dispatch-due-webhooks": {
            "task": "notifications.tasks.dispatch_due_webhooks",
            "schedule": crontab(),
            "options": {"expires": 55},
        },
        # Hourly, so each patient's local yesterday is judged soon after it ends.
        "daily-alert-pass": {
            "task": "programs.tasks.run_alert_pass",
            "schedule": crontab(minute=15),
        },
        # Hourly too: each patient's lines are judged on their local yesterday, soon
        # after it ends and after the day's logs have synced; reruns change nothing.
        "daily-suggestion-pass": {
            "task": "programs.tasks.run_suggestion_pass",
            "schedule": crontab(minute=25),
        },
        # Hourly, before the suggestion pass: a program moves on to its next phase
        # soon after the patient's local date reaches it; reruns change nothing.
        "daily-phase-pass": {
            "task": "programs.tasks.run_phase_pass",
            "schedule": crontab(minute=20),
        },
        "purge-expired-tokens": {
            "task": "patients.tasks.purge_expired_tokens",
            "schedule": crontab(minute=40, hour=3),
        },
    },
)
app.autodiscover_tasks()


@worker_init.connect
def _refuse_unsafe_timing(**kwargs) -> None:
    """A worker whose limits would let a live sender's rows be taken over does not start."""
    from notifications.checks import reminder_timing_problems

    problems = reminder_timing_problems()
    if problems:
        # Celery logs and ignores exceptions from signal handlers; SystemExit stops it.
        sys.stderr.write("refusing to start: " + "; ".join(problems) + "\n")
        raise SystemExit(78)
