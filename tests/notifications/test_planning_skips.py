"""Nobody is reminded without work to do, at a bad moment, or on a dead channel."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from programs.models import Program, ProgramPause, days_to_mask
from tests.factories import ExerciseLogFactory
from tests.notifications.conftest import at_local, make_patient, plan_at, rows, run_at, statuses

pytestmark = pytest.mark.django_db

TZ = "Europe/London"
DAY = dt.date(2026, 3, 10)  # a Tuesday


def complete_day(patient, day=DAY):
    for item in patient.programs.get().items.all():
        ExerciseLogFactory(item=item, date=day)


def test_completed_before_planning_is_skipped_completed(push_outbox):
    patient = make_patient(TZ)
    complete_day(patient)
    run_at(at_local(TZ, DAY, 18, 0))
    assert statuses(patient, DAY) == [
        (str(DAY), "email", "skipped", "completed"),
        (str(DAY), "push", "skipped", "completed"),
    ]
    assert mail.outbox == [] and push_outbox == []


def test_partly_done_day_is_still_reminded():
    patient = make_patient(TZ, items=2)
    ExerciseLogFactory(item=patient.programs.get().items.first(), date=DAY)
    run_at(at_local(TZ, DAY, 18, 0))
    assert len(mail.outbox) == 1
    assert "1 exercise, about" in mail.outbox[0].subject


def test_completed_between_planning_and_sending_is_skipped_completed(push_outbox):
    from notifications.services.sending import deliveries_send

    patient = make_patient(TZ)
    plan = plan_at(at_local(TZ, DAY, 18, 0))
    assert [r.status for r in rows(patient, local_date=DAY)] == ["pending", "pending"]
    complete_day(patient)
    with time_machine.travel(at_local(TZ, DAY, 18, 5), tick=False):
        deliveries_send(delivery_ids=plan.pending_ids)
    assert statuses(patient, DAY) == [
        (str(DAY), "email", "skipped", "completed"),
        (str(DAY), "push", "skipped", "completed"),
    ]
    assert mail.outbox == [] and push_outbox == []


def test_reminder_inside_quiet_hours_waits_for_their_end():
    patient = make_patient(
        TZ, dt.time(13, 0), quiet_start=dt.time(12, 30), quiet_end=dt.time(14, 0)
    )
    run_at(at_local(TZ, DAY, 13, 0))
    run_at(at_local(TZ, DAY, 13, 59))
    assert rows(patient, local_date=DAY) == []
    run_at(at_local(TZ, DAY, 14, 0))
    assert [r.status for r in rows(patient, local_date=DAY)] == ["sent", "sent"]
    assert len(mail.outbox) == 1


def test_reminder_after_overnight_quiet_hours_end_is_sent_in_the_morning():
    patient = make_patient(TZ, dt.time(6, 0), quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    run_at(at_local(TZ, DAY, 6, 30))
    assert rows(patient, local_date=DAY) == []
    run_at(at_local(TZ, DAY, 7, 0))
    assert len(mail.outbox) == 1


def test_day_ending_inside_quiet_hours_is_recorded_quiet_hours(push_outbox):
    patient = make_patient(TZ, dt.time(21, 30), quiet_start=dt.time(21, 0), quiet_end=dt.time(7, 0))
    for hour, minute in ((21, 30), (23, 59)):
        run_at(at_local(TZ, DAY, hour, minute))
    assert rows(patient, local_date=DAY) == []
    run_at(at_local(TZ, DAY + dt.timedelta(days=1), 0, 1))
    assert statuses(patient, DAY) == [
        (str(DAY), "email", "skipped", "quiet_hours"),
        (str(DAY), "push", "skipped", "quiet_hours"),
    ]
    assert mail.outbox == [] and push_outbox == []


def test_no_active_program_means_no_reminder():
    patient = make_patient(TZ)
    Program.objects.filter(patient=patient).update(status=Program.Status.COMPLETED)
    run_at(at_local(TZ, DAY, 18, 0))
    assert rows(patient, local_date=DAY) == []
    assert mail.outbox == []


def test_program_not_scheduled_on_this_weekday_means_no_reminder():
    patient = make_patient(TZ)
    patient.programs.get().items.update(days_mask=days_to_mask([1, 3, 5]))  # not Tuesdays
    run_at(at_local(TZ, DAY, 18, 0))
    assert rows(patient, local_date=DAY) == []
    run_at(at_local(TZ, DAY + dt.timedelta(days=1), 18, 0))  # Wednesday
    assert len(mail.outbox) == 1


def test_paused_program_means_no_reminder():
    patient = make_patient(TZ)
    ProgramPause.objects.create(program=patient.programs.get(), start=DAY - dt.timedelta(days=2))
    run_at(at_local(TZ, DAY, 18, 0))
    assert rows(patient, local_date=DAY) == []
    assert mail.outbox == []


def test_reminders_turned_off_means_no_reminder():
    patient = make_patient(TZ, reminders_enabled=False)
    email_only = make_patient(TZ, remind_by_push=False)
    run_at(at_local(TZ, DAY, 18, 0))
    assert rows(patient) == []
    assert [r.channel for r in rows(email_only, local_date=DAY)] == ["email"]


def test_deactivated_account_is_not_reminded(push_outbox):
    from notifications.services.sending import deliveries_send

    closed = make_patient(TZ)
    closed.user.is_active = False
    closed.user.save()
    closing = make_patient(TZ)
    plan = plan_at(at_local(TZ, DAY, 18, 0))
    assert rows(closed) == []
    closing.user.is_active = False  # closed between planning and sending
    closing.user.save()
    with time_machine.travel(at_local(TZ, DAY, 18, 1), tick=False):
        deliveries_send(delivery_ids=plan.pending_ids)
    assert statuses(closing, DAY) == [
        (str(DAY), "email", "skipped", "disabled"),
        (str(DAY), "push", "skipped", "disabled"),
    ]
    assert mail.outbox == [] and push_outbox == []


def test_unsubscribed_email_is_skipped_but_push_still_goes(push_outbox):
    patient = make_patient(TZ, email_unsubscribed_at=at_local(TZ, DAY, 9, 0))
    run_at(at_local(TZ, DAY, 18, 0))
    assert statuses(patient, DAY) == [
        (str(DAY), "email", "skipped", "unsubscribed"),
        (str(DAY), "push", "sent", ""),
    ]
    assert mail.outbox == []
    assert len(push_outbox) == 1


def test_bounced_email_is_skipped_unsubscribed():
    patient = make_patient(TZ, email_bounced_at=at_local(TZ, DAY, 9, 0))
    run_at(at_local(TZ, DAY, 18, 0))
    assert statuses(patient, DAY)[0] == (str(DAY), "email", "skipped", "unsubscribed")


def test_no_active_device_is_skipped_no_device(push_outbox):
    patient = make_patient(TZ, device=False)
    run_at(at_local(TZ, DAY, 18, 0))
    assert statuses(patient, DAY) == [
        (str(DAY), "email", "sent", ""),
        (str(DAY), "push", "skipped", "no_device"),
    ]
    assert push_outbox == []


def test_push_goes_to_every_active_device(push_outbox):
    from tests.notifications.factories import DeviceFactory

    patient = make_patient(TZ)
    DeviceFactory(patient=patient, platform="apns", token="ab" * 32)
    DeviceFactory(patient=patient, token="fcm-stale-token-0000000", active=False)
    run_at(at_local(TZ, DAY, 18, 0))
    assert sorted(p.recipient.address for p in push_outbox) == sorted(
        d.token for d in patient.devices.filter(active=True)
    )
    push = push_outbox[0].message
    assert push.data["local_date"] == str(DAY)
    assert push.data["url"] == f"https://hep.example/app/today?date={DAY}"
    # Nothing on a lock screen or at Google/Apple names the patient or their routine.
    assert (push.title, push.body) == ("Time for today's exercises", "Open the app to start.")
    assert patient.user.first_name not in push.title + push.body + str(push.data)
