"""A check-in that falls due is told in the day's one reminder per channel: beside
the routine when exercises are left, on its own when they are not."""

import datetime as dt
import time
import uuid

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.models import Delivery
from notifications.services.content import CHECKIN_PUSH_TITLE, PUSH_BODY_WITH_CHECKIN, PUSH_TITLE
from notifications.services.planning import reminders_plan
from notifications.services.sending import deliveries_send
from notifications.tasks import plan_reminders
from programs.models import ProgramPause
from programs.outcomes.models import CheckIn
from programs.outcomes.services import checkin_answer
from tests.factories import ExerciseLogFactory
from tests.notifications.conftest import START, at_local, make_patient, statuses

pytestmark = pytest.mark.django_db

TZ = "Europe/London"
NPRS_DAY = START + dt.timedelta(days=77)  # week 11: the pain check-in only (19 March)
CHECKIN_URL = "https://hep.example/app/checkin?id="


def tick(instant: dt.datetime) -> None:
    """The beat's task at `instant`, then the sending of what it left pending."""
    with time_machine.travel(instant, tick=False):
        plan_reminders.apply().get()
        pending = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING).values_list("pk", flat=True)
        )
        if pending:
            deliveries_send(delivery_ids=pending)


def finish_routine(patient, day: dt.date) -> None:
    for item in patient.programs.get().items.all():
        ExerciseLogFactory(item=item, date=day)


def test_a_day_with_exercises_left_gets_one_reminder_that_mentions_the_checkin(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0), user__first_name="Ada")
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    checkin = CheckIn.objects.get(patient=patient, due_date=NPRS_DAY)
    assert statuses(patient, NPRS_DAY) == [
        (str(NPRS_DAY), "email", "sent", ""),
        (str(NPRS_DAY), "push", "sent", ""),
    ]
    (email,) = mail.outbox
    assert email.subject.startswith("Ada, your exercises for today")
    assert "Open today's routine: https://hep.example/app/today?date=2026-03-19" in email.body
    assert "A short check-in is waiting too" in email.body
    assert f"Answer the check-in: {CHECKIN_URL}{checkin.pk}" in email.body
    assert f'href="{CHECKIN_URL}{checkin.pk}"' in email.alternatives[0][0]
    (push,) = push_outbox
    assert (push.message.title, push.message.body) == (PUSH_TITLE, PUSH_BODY_WITH_CHECKIN)
    assert "Ada" not in push.message.title + push.message.body

    tick(at_local(TZ, NPRS_DAY, 18, 1))  # the next tick: nothing more
    assert len(mail.outbox) == 1 and len(push_outbox) == 1


def test_a_day_whose_exercises_are_done_still_gets_a_checkin_only_reminder(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0), user__first_name="Ada")
    finish_routine(patient, NPRS_DAY)
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    checkin = CheckIn.objects.get(patient=patient, due_date=NPRS_DAY)
    (email,) = mail.outbox
    assert email.subject == "Ada, a short check-in is waiting for you"
    assert f"Answer the check-in: {CHECKIN_URL}{checkin.pk}" in email.body
    assert "Open today's routine" not in email.body
    assert "Stop reminder emails:" in email.body and "List-Unsubscribe" in email.extra_headers
    (push,) = push_outbox
    assert push.message.title == CHECKIN_PUSH_TITLE
    assert push.message.url == f"{CHECKIN_URL}{checkin.pk}"
    assert push.message.data["kind"] == "checkin_reminder"


def test_a_rest_day_with_a_checkin_due_gets_a_reminder_and_plain_rest_days_do_not(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0))
    rest = NPRS_DAY.isoweekday()
    patient.programs.get().items.update(days_mask=0b1111111 & ~(1 << (rest - 1)))
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    assert [r[2] for r in statuses(patient, NPRS_DAY)] == ["sent", "sent"]
    assert mail.outbox[0].subject.endswith("a short check-in is waiting for you")
    next_rest = NPRS_DAY + dt.timedelta(days=7)
    CheckIn.objects.all().delete()
    with time_machine.travel(at_local(TZ, next_rest, 18, 0), tick=False):
        # Only the exercise rules are left: a rest day without a check-in is quiet.
        reminders_plan(enqueue=None)
    assert statuses(patient, next_rest) == []


def test_an_answered_checkin_and_a_finished_routine_leave_nothing_to_send(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0), quiet_start=dt.time(17, 0), quiet_end=dt.time(20, 0))
    finish_routine(patient, NPRS_DAY)
    tick(at_local(TZ, NPRS_DAY, 18, 0))  # due, but the reminder waits for quiet hours' end
    checkin = CheckIn.objects.get(patient=patient, due_date=NPRS_DAY)
    assert statuses(patient, NPRS_DAY) == []
    checkin_answer(
        checkin=checkin,
        raw={"current": 2, "best": 1, "worst": 4},
        activities=None,
        now=at_local(TZ, NPRS_DAY, 19, 0),
    )
    tick(at_local(TZ, NPRS_DAY, 20, 0))
    assert [r[2:] for r in statuses(patient, NPRS_DAY)] == [
        ("skipped", "completed"),
        ("skipped", "completed"),
    ]
    assert mail.outbox == [] and push_outbox == []


def test_quiet_hours_delay_the_checkin_reminder_to_their_end(push_outbox):
    patient = make_patient(
        TZ, dt.time(21, 0), quiet_start=dt.time(20, 0), quiet_end=dt.time(22, 30)
    )
    finish_routine(patient, NPRS_DAY)
    tick(at_local(TZ, NPRS_DAY, 21, 0))
    assert CheckIn.objects.filter(patient=patient, due_date=NPRS_DAY).exists()
    assert statuses(patient, NPRS_DAY) == []
    tick(at_local(TZ, NPRS_DAY, 22, 29))
    assert mail.outbox == []
    tick(at_local(TZ, NPRS_DAY, 22, 30))
    assert len(mail.outbox) == 1 and len(push_outbox) == 1


def test_a_paused_program_brings_neither_checkin_nor_reminder(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0))
    ProgramPause.objects.create(program=patient.programs.get(), start=NPRS_DAY - dt.timedelta(2))
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    assert not CheckIn.objects.filter(patient=patient).exists()
    assert statuses(patient, NPRS_DAY) == []
    assert mail.outbox == [] and push_outbox == []


def test_a_pause_begun_after_the_checkin_fell_due_silences_its_reminder(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0), quiet_start=dt.time(17, 0), quiet_end=dt.time(20, 0))
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    assert CheckIn.objects.filter(patient=patient, due_date=NPRS_DAY).exists()
    ProgramPause.objects.create(program=patient.programs.get(), start=NPRS_DAY)
    tick(at_local(TZ, NPRS_DAY, 20, 0))
    assert statuses(patient, NPRS_DAY) == []
    assert mail.outbox == [] and push_outbox == []


def test_unsubscribed_email_is_skipped_and_push_still_tells_of_the_checkin(push_outbox):
    patient = make_patient(TZ, dt.time(18, 0), email_unsubscribed_at=timezone.now())
    finish_routine(patient, NPRS_DAY)
    tick(at_local(TZ, NPRS_DAY, 18, 0))
    assert [r[1:] for r in statuses(patient, NPRS_DAY)] == [
        ("email", "skipped", "unsubscribed"),
        ("push", "sent", ""),
    ]
    assert mail.outbox == [] and push_outbox[0].message.title == CHECKIN_PUSH_TITLE


@pytest.mark.parametrize(
    ("day", "before", "at", "again"),
    [
        # Spring forward: 01:30 does not exist; due at the gap's end (02:00 BST = 01:00 UTC).
        (
            dt.date(2026, 3, 29),
            dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),
        ),
        # Fall back: 01:30 happens twice; due at the first, never again at the second.
        (
            dt.date(2026, 10, 25),
            dt.datetime(2026, 10, 25, 0, 29, tzinfo=dt.UTC),
            dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
        ),
    ],
)
def test_dst_a_checkin_only_reminder_goes_once_at_the_right_instant(
    push_outbox, day, before, at, again
):
    patient = make_patient(TZ, dt.time(1, 30))
    patient.programs.update(start_date=day - dt.timedelta(days=21))
    finish_routine(patient, day)
    tick(before)
    assert not CheckIn.objects.exists() and mail.outbox == []
    tick(at)
    assert CheckIn.objects.get().due_at == at
    assert len(mail.outbox) == 1 and len(push_outbox) == 1
    tick(again)
    assert len(mail.outbox) == 1 and len(push_outbox) == 1


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_checkin_reminder_the_beat_task_planned(settings, push_outbox):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # A queue of its own, so no other worker on this Redis takes our tasks.
    settings.REMINDER_SEND_QUEUE = queue = f"test-checkins-{uuid.uuid4().hex[:8]}"
    patient = make_patient("UTC", dt.time(0, 0), user__first_name="Ada")
    today = timezone.now().astimezone(dt.UTC).date()
    patient.programs.update(start_date=today)  # NPRS and PSFS fall due today
    finish_routine(patient, today)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, queues=[queue]):
        plan_reminders.apply().get()  # enqueues the sending after its commit
        rows = Delivery.objects.filter(patient=patient, local_date=today)
        deadline = time.monotonic() + 30
        while (not rows.exists() or rows.exclude(status="sent").exists()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
    assert sorted(rows.values_list("channel", "status")) == [("email", "sent"), ("push", "sent")]
    first = CheckIn.objects.filter(patient=patient).order_by("measure").first()
    assert first.measure == "nprs"
    (email,) = mail.outbox
    assert email.subject == "Ada, a short check-in is waiting for you"
    assert f"{CHECKIN_URL}{first.pk}" in email.body
    assert push_outbox[0].message.url == f"{CHECKIN_URL}{first.pk}"
