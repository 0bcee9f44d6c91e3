"""Check-ins fall due at the patient's local reminder time, once, and not while paused."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from programs.models import Program, ProgramPause
from programs.outcomes.measures import due_dates
from programs.outcomes.models import CheckIn
from programs.outcomes.planning import checkins_plan
from tests.factories import PatientFactory, ProgramFactory
from tests.notifications.conftest import at_local

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)  # a Monday


def make(tz="Europe/London", reminder=dt.time(18, 0), start=START, end=None, **program):
    patient = PatientFactory(timezone=tz, reminder_time=reminder)
    ProgramFactory(patient=patient, start_date=start, end_date=end, **program)
    return patient


def plan_at(instant):
    with time_machine.travel(instant, tick=False):
        return checkins_plan()


def due(patient, **filters):
    return list(
        CheckIn.objects.filter(patient=patient, **filters)
        .order_by("due_date", "measure")
        .values_list("measure", "due_date", "due_at")
    )


def test_start_day_brings_nprs_and_psfs_at_the_local_reminder_time():
    patient = make()
    plan_at(at_local("Europe/London", START, 17, 59))
    assert due(patient) == []
    plan_at(at_local("Europe/London", START, 18, 0))
    reminder = at_local("Europe/London", START, 18, 0)
    assert due(patient) == [("nprs", START, reminder), ("psfs", START, reminder)]


def test_nprs_weekly_psfs_fortnightly_groc_on_the_last_day():
    end = START + dt.timedelta(days=27)
    patient = make(end=end)
    day = START
    while day <= end + dt.timedelta(days=3):
        plan_at(at_local("Europe/London", day, 20, 0))
        day += dt.timedelta(days=1)
    weeks = [START + dt.timedelta(days=7 * k) for k in range(4)]
    assert [d for m, d, _ in due(patient) if m == "nprs"] == weeks
    assert [d for m, d, _ in due(patient) if m == "psfs"] == weeks[::2]
    assert [d for m, d, _ in due(patient) if m == "groc"] == [end]
    # The Python form of the rule says the same.
    assert due_dates("nprs", start=START, end=end, through=end + dt.timedelta(days=3)) == weeks
    assert due_dates("psfs", start=START, end=end, through=end) == weeks[::2]
    assert due_dates("groc", start=START, end=end, through=end) == [end]


def test_groc_comes_on_the_day_a_program_is_completed_early():
    patient = make()
    day = START + dt.timedelta(days=10)
    program = patient.programs.get()
    program.status, program.end_date = Program.Status.COMPLETED, day
    program.save()
    plan_at(at_local("Europe/London", day, 18, 0))
    assert [m for m, *_ in due(patient)] == ["groc"]


def test_nothing_falls_due_while_paused_and_the_cadence_resumes_after():
    patient = make()
    program = patient.programs.get()
    week_1, week_2 = START + dt.timedelta(days=7), START + dt.timedelta(days=14)
    program.status = Program.Status.PAUSED
    program.save()
    ProgramPause.objects.create(program=program, start=week_1 - dt.timedelta(days=1))
    plan_at(at_local("Europe/London", week_1, 18, 0))
    assert due(patient) == []
    # Resumed: the open pause ends, the next week's check-ins come as planned.
    ProgramPause.objects.filter(program=program).update(end=week_1 + dt.timedelta(days=3))
    program.status = Program.Status.ACTIVE
    program.save()
    plan_at(at_local("Europe/London", week_1, 18, 30))  # the day itself is still paused
    assert due(patient) == []
    plan_at(at_local("Europe/London", week_2, 18, 0))
    assert [(m, d) for m, d, _ in due(patient)] == [("nprs", week_2), ("psfs", week_2)]


def test_a_day_missed_in_downtime_is_not_planned_late():
    patient = make()
    plan_at(at_local("Europe/London", START + dt.timedelta(days=1), 18, 0))
    assert due(patient) == []


@pytest.mark.parametrize(
    ("tz", "day", "reminder", "expected_utc"),
    [
        # Spring gap: 01:30 does not exist; due when the clocks jump to 02:00 BST.
        ("Europe/London", dt.date(2026, 3, 29), dt.time(1, 30), dt.datetime(2026, 3, 29, 1, 0)),
        (
            "America/Los_Angeles",
            dt.date(2026, 3, 8),
            dt.time(2, 15),
            dt.datetime(2026, 3, 8, 10, 0),
        ),
        # A half-hour gap (+10:30 -> +11): 02:10 does not exist; due at 02:30.
        (
            "Australia/Lord_Howe",
            dt.date(2026, 10, 4),
            dt.time(2, 10),
            dt.datetime(2026, 10, 3, 15, 30),
        ),
        # Autumn fold: 01:30 happens twice; due at the first.
        ("Europe/London", dt.date(2026, 10, 25), dt.time(1, 30), dt.datetime(2026, 10, 25, 0, 30)),
        (
            "America/Los_Angeles",
            dt.date(2026, 11, 1),
            dt.time(1, 15),
            dt.datetime(2026, 11, 1, 8, 15),
        ),
    ],
)
def test_local_time_across_dst(tz, day, reminder, expected_utc):
    patient = make(tz=tz, reminder=reminder, start=day)
    expected = expected_utc.replace(tzinfo=dt.UTC)
    plan_at(expected - dt.timedelta(minutes=1))
    assert due(patient) == []
    plan_at(expected)
    assert due(patient, measure="nprs") == [("nprs", day, expected)]
    # The fold's second pass of the same wall time writes nothing more.
    plan_at(expected + dt.timedelta(hours=1))
    assert CheckIn.objects.filter(patient=patient).count() == 2


def test_each_zone_at_its_own_local_time():
    london = make(tz="Europe/London", reminder=dt.time(7, 0))
    la = make(tz="America/Los_Angeles", reminder=dt.time(7, 0))
    plan_at(at_local("Europe/London", START, 7, 0))
    assert len(due(london)) == 2 and due(la) == []
    plan_at(at_local("America/Los_Angeles", START, 7, 0))
    assert len(due(la)) == 2


def test_replanning_and_two_programs_the_same_day_make_one_checkin_per_measure():
    patient = make()
    ProgramFactory(patient=patient, start_date=START)
    for minute in (0, 1, 2):
        plan_at(at_local("Europe/London", START, 18, minute))
    assert CheckIn.objects.filter(patient=patient).count() == 2


def test_two_programs_due_the_same_day_give_the_check_in_to_the_earlier_one():
    patient = PatientFactory(timezone="Europe/London", reminder_time=dt.time(18, 0))
    ProgramFactory(patient=patient, start_date=START)  # starts the same day
    earlier = ProgramFactory(patient=patient, start_date=START - dt.timedelta(days=14))
    plan_at(at_local("Europe/London", START, 18, 0))
    rows = CheckIn.objects.filter(patient=patient).values_list("measure", "program_id")
    assert sorted(rows) == [("nprs", earlier.pk), ("psfs", earlier.pk)]


def test_planning_queries_do_not_grow_with_patients(django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    def queries_for(n):
        CheckIn.objects.all().delete()
        while PatientFactory._meta.model.objects.count() < n:
            make()
        with CaptureQueriesContext(connection) as ctx:
            plan_at(at_local("Europe/London", START, 18, 0))
        assert CheckIn.objects.count() == 2 * n
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(50)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_write_each_checkin_once():
    patients = [make() for _ in range(20)]
    instant = at_local("Europe/London", START, 18, 0)
    barrier = threading.Barrier(2)
    failures = []

    def dispatcher():
        try:
            barrier.wait()
            checkins_plan(now=instant)
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert CheckIn.objects.filter(patient__in=patients).count() == 40
