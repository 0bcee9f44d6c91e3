"""Reminders land at the patient's local reminder time, once per local date."""

import datetime as dt

import pytest
from django.core import mail

from notifications.models import Delivery
from tests.factories import ExerciseLogFactory
from tests.notifications.conftest import at_local, make_patient, plan_at, rows, run_at, statuses

pytestmark = pytest.mark.django_db

ZONES = [
    ("America/New_York", dt.date(2026, 3, 10)),
    ("Europe/London", dt.date(2026, 3, 29)),  # the day the clocks go forward
    ("Asia/Kolkata", dt.date(2026, 6, 1)),  # +05:30
    ("Australia/Lord_Howe", dt.date(2026, 4, 5)),  # DST ends: +11 -> +10:30
    ("Pacific/Chatham", dt.date(2026, 4, 5)),  # +12:45 after DST
]


@pytest.mark.parametrize(("tz", "day"), ZONES)
def test_due_exactly_at_local_reminder_time(tz, day):
    patient = make_patient(tz, dt.time(7, 0))
    due = at_local(tz, day, 7, 0)

    run_at(due - dt.timedelta(minutes=1))
    run_at(due - dt.timedelta(seconds=1))
    assert rows(patient, local_date=day) == []

    run_at(due)
    assert statuses(patient, day) == [
        (str(day), "email", "sent", ""),
        (str(day), "push", "sent", ""),
    ]
    assert len(mail.outbox) == 1


def test_all_zones_in_one_pass_each_due_at_its_own_minute(push_outbox):
    patients = {tz: make_patient(tz, dt.time(7, 0)) for tz, _ in ZONES}
    day = dt.date(2026, 6, 1)
    for patient in patients.values():  # the day before is done: only `day` is reminded
        ExerciseLogFactory(item=patient.programs.get().items.get(), date=day - dt.timedelta(days=1))
    # Earliest instant first, so every zone's pass runs while later zones are not yet due.
    for tz, patient in sorted(patients.items(), key=lambda kv: at_local(kv[0], day, 7, 0)):
        assert rows(patient, local_date=day) == [], f"{tz} reminded before its 07:00"
        run_at(at_local(tz, day, 7, 0))
        assert [r.status for r in rows(patient, local_date=day)] == ["sent", "sent"], tz
    # Nobody was reminded early for another zone's morning, nor twice.
    assert Delivery.objects.filter(status="sent", local_date=day).count() == 2 * len(ZONES)
    assert len(push_outbox) == len(ZONES)


def test_spring_forward_gap_fires_at_first_instant_after_gap():
    tz, day = "America/New_York", dt.date(2026, 3, 8)
    patient = make_patient(tz, dt.time(2, 30))
    run_at(dt.datetime(2026, 3, 8, 6, 59, 59, tzinfo=dt.UTC))  # 01:59:59 EST
    assert rows(patient, local_date=day) == []

    run_at(dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC))  # 03:00 EDT: the gap is over
    assert [(r.local_date, r.status) for r in rows(patient, channel="email", local_date=day)] == [
        (day, "sent")
    ]
    assert len(mail.outbox) == 1


def test_fall_back_fold_fires_once():
    tz, day = "America/New_York", dt.date(2026, 11, 1)
    patient = make_patient(tz, dt.time(1, 30))
    first = at_local(tz, day, 1, 30, fold=0)  # 05:30 UTC, EDT
    second = at_local(tz, day, 1, 30, fold=1)  # 06:30 UTC, EST
    assert second - first == dt.timedelta(hours=1)

    run_at(first - dt.timedelta(minutes=1))
    assert rows(patient, local_date=day) == []
    run_at(first)
    run_at(second)
    run_at(second + dt.timedelta(minutes=5))
    assert statuses(patient, day) == [
        (str(day), "email", "sent", ""),
        (str(day), "push", "sent", ""),
    ]
    assert len(mail.outbox) == 1


def test_changing_time_zone_mid_day_gives_at_most_one_reminder():
    day = dt.date(2026, 3, 10)
    patient = make_patient("Europe/London", dt.time(18, 0))
    run_at(at_local("Europe/London", day, 18, 0))
    assert len(mail.outbox) == 1

    patient.timezone = "America/New_York"  # it is 14:00 there, still 10 March
    patient.save()
    run_at(at_local("America/New_York", day, 18, 0))
    run_at(at_local("America/New_York", day, 23, 59))
    assert len(mail.outbox) == 1
    assert [r.local_date for r in rows(patient, channel="email", local_date=day)] == [day]


def test_changing_reminder_time_mid_day_gives_at_most_one_reminder():
    day = dt.date(2026, 3, 10)
    patient = make_patient("Asia/Kolkata", dt.time(9, 0))
    run_at(at_local("Asia/Kolkata", day, 9, 0))
    patient.reminder_time = dt.time(20, 0)
    patient.save()
    run_at(at_local("Asia/Kolkata", day, 20, 0))
    assert len(mail.outbox) == 1
    assert len(rows(patient, channel="email", local_date=day)) == 1


def test_catch_up_after_downtime_sends_todays_reminder_late_the_same_day():
    day = dt.date(2026, 3, 10)
    patient = make_patient("Europe/London", dt.time(18, 0))
    run_at(at_local("Europe/London", day, 17, 0))
    # The scheduler was down from 17:00 to 19:30.
    run_at(at_local("Europe/London", day, 19, 30))
    assert [(r.local_date, r.status) for r in rows(patient, channel="email", local_date=day)] == [
        (day, "sent")
    ]
    assert len(mail.outbox) == 1


def test_days_that_passed_during_downtime_are_recorded_missed_and_never_sent(push_outbox):
    day = dt.date(2026, 3, 10)
    patient = make_patient("Europe/London", dt.time(18, 0))
    run_at(at_local("Europe/London", day, 17, 0))
    # Down until the next morning.
    run_at(at_local("Europe/London", day + dt.timedelta(days=1), 9, 0))
    assert statuses(patient, day) == [
        (str(day), "email", "skipped", "missed"),
        (str(day), "push", "skipped", "missed"),
    ]
    assert mail.outbox == []
    assert push_outbox == []
    # That evening the new day's reminder goes out as usual.
    run_at(at_local("Europe/London", day + dt.timedelta(days=1), 18, 0))
    assert len(mail.outbox) == 1


def test_a_pending_row_from_a_day_that_passed_is_not_sent_late():
    day = dt.date(2026, 3, 10)
    patient = make_patient("Europe/London", dt.time(18, 0))
    plan = plan_at(at_local("Europe/London", day, 18, 0))
    assert len(plan.pending_ids) == 2
    # Workers were down; the rows are picked up again the next morning.
    next_plan, _ = run_at(at_local("Europe/London", day + dt.timedelta(days=1), 8, 0))
    assert set(plan.pending_ids) <= set(next_plan.recovered_ids)
    assert statuses(patient, day) == [
        (str(day), "email", "skipped", "missed"),
        (str(day), "push", "skipped", "missed"),
    ]
    assert mail.outbox == []
