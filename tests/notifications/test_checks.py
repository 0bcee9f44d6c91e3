"""Start-up checks: timings under which a live sender could be overtaken are refused,
and beat's planning runs on a queue of its own."""

from notifications.checks import reminder_timing_check, reminder_timing_problems


def test_default_timing_passes():
    assert reminder_timing_problems() == []


def test_a_lease_shorter_than_the_task_time_limit_is_refused(settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    settings.CELERY_TASK_TIME_LIMIT = 300
    [error] = reminder_timing_check()
    assert error.id == "notifications.E004"
    assert "must exceed CELERY_TASK_TIME_LIMIT (300 s)" in error.msg


def test_soft_limit_at_or_above_hard_limit_and_short_visibility_are_refused(settings):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 300
    settings.CELERY_TASK_TIME_LIMIT = 300
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 200}
    assert [e.id for e in reminder_timing_check()] == ["notifications.E002", "notifications.E005"]


def test_planning_and_digests_go_to_the_scheduler_queue_and_sending_does_not():
    from config.celery import app

    app.loader.import_default_modules()
    route = app.amqp.router.route
    for name in ("notifications.tasks.plan_reminders", "notifications.tasks.plan_digests"):
        assert route({}, name)["queue"].name == "scheduler"
    assert route({}, "notifications.tasks.send_deliveries")["queue"].name == "celery"
    # A worker started without -Q (as `manage.py up` starts it) consumes both.
    assert {"celery", "scheduler"} <= set(app.amqp.queues)
