"""The Celery app: JSON only, late acknowledgement, bounded retries, time limits.

Exactly one beat runs (see README); its schedule lives here.
"""

import os

from celery import Celery
from celery.schedules import crontab

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
    worker_prefetch_multiplier=1,
    task_soft_time_limit=240,
    task_time_limit=300,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
    beat_schedule={
        "plan-reminders": {
            "task": "notifications.tasks.plan_reminders",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        "send-digests": {
            "task": "notifications.tasks.plan_digests",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        "daily-alert-pass": {
            "task": "programs.tasks.run_alert_pass",
            "schedule": crontab(minute=15),
        },
    },
)
app.autodiscover_tasks()
