import datetime as dt
import random

import pytest
import time_machine

from programs.adherence import (
    _Pause,
    _Program,
    _Schedule,
    _ScheduleLines,
    adherence_rates,
    completion_rate,
    day_statuses,
    recent_day_statuses,
    recent_rates,
    scheduled_offsets,
    streaks,
)
from programs.models import Program, days_to_mask
from programs.scheduling import item_scheduled_on
from tests import factories

WEDNESDAY = dt.date(2026, 11, 25)
NOON_UTC = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def program(db):
    patient = factories.PatientFactory(timezone="Europe/London")
    return factories.ProgramFactory(patient=patient, start_date=WEDNESDAY - dt.timedelta(days=20))


def statuses(patient, start, end):
    return {
        day.date: day
        for day in day_statuses(patients=[patient], start=start, end=end, now=NOON_UTC)[patient.pk]
    }


def test_occurrences_are_counted_and_capped_per_line(program):
    twice = factories.ProgramItemFactory(program=program, times_per_day=2)
    once = factories.ProgramItemFactory(program=program, times_per_day=1)
    for _ in range(3):  # three logs of one line do not make up for the other
        factories.ExerciseLogFactory(item=twice, date=WEDNESDAY, pain=4)
    day = statuses(program.patient, WEDNESDAY, WEDNESDAY)[WEDNESDAY]
    assert (day.scheduled, day.done, day.complete) == (3, 2, False)
    assert day.pain_average == 4.0
    factories.ExerciseLogFactory(item=once, date=WEDNESDAY, pain=7)
    day = statuses(program.patient, WEDNESDAY, WEDNESDAY)[WEDNESDAY]
    assert (day.done, day.complete, day.pain_average) == (3, True, 4.8)


def test_incomplete_logs_are_data_but_not_done(program):
    item = factories.ProgramItemFactory(program=program)
    factories.ExerciseLogFactory(item=item, date=WEDNESDAY, completed=False, pain=2)
    day = statuses(program.patient, WEDNESDAY, WEDNESDAY)[WEDNESDAY]
    assert (day.done, day.logged) == (0, True)


def test_rate_counts_today_only_once_complete_and_streaks_skip_rest_days(program):
    item = factories.ProgramItemFactory(program=program, days_mask=days_to_mask([1, 3, 5]))
    start = WEDNESDAY - dt.timedelta(days=6)  # Thursday
    # Fri done, Mon missed, Wed (today) not yet: 1 of 2 finished days.
    factories.ExerciseLogFactory(item=item, date=WEDNESDAY - dt.timedelta(days=5))
    days = list(statuses(program.patient, start, WEDNESDAY).values())
    assert completion_rate(days, WEDNESDAY) == 50.0
    assert streaks(days, WEDNESDAY) == (0, 1)
    factories.ExerciseLogFactory(item=item, date=WEDNESDAY)
    days = list(statuses(program.patient, start, WEDNESDAY).values())
    assert completion_rate(days, WEDNESDAY) == pytest.approx(66.7)
    assert streaks(days, WEDNESDAY) == (1, 1)


def test_nothing_scheduled_gives_no_rate(program):
    days = list(statuses(program.patient, WEDNESDAY - dt.timedelta(days=3), WEDNESDAY).values())
    assert completion_rate(days, WEDNESDAY) is None
    assert streaks(days, WEDNESDAY) == (0, 0)


@time_machine.travel(NOON_UTC, tick=False)
def test_query_count_does_not_grow_with_patients_or_days(db, django_assert_num_queries):
    def seed(n):
        patients = []
        for _ in range(n):
            program = factories.ProgramFactory(start_date=WEDNESDAY - dt.timedelta(days=90))
            item = factories.ProgramItemFactory(program=program)
            factories.ExerciseLogFactory(item=item, date=WEDNESDAY - dt.timedelta(days=1), pain=3)
            patients.append(program.patient)
        return patients

    small, large = seed(1), seed(50)
    with django_assert_num_queries(2):
        day_statuses(patients=small, start=WEDNESDAY, end=WEDNESDAY)
    with django_assert_num_queries(2):
        result = day_statuses(
            patients=large, start=WEDNESDAY - dt.timedelta(days=89), end=WEDNESDAY
        )
    assert all(days[-2].complete for days in result.values())


def test_scheduled_offsets_agree_with_the_rule_day_by_day():
    """The range form the patient list uses gives exactly the days item_scheduled_on
    gives, over random programs, validity ranges, weekdays, pauses and statuses."""
    rng = random.Random(17)
    first = dt.date(2026, 11, 2)
    statuses = [value for value, _ in Program.Status.choices]
    for _ in range(3000):
        offset = lambda low, high: first + dt.timedelta(days=rng.randint(low, high))  # noqa: E731
        program = _Program(offset(-5, 8), rng.choice([None, offset(-3, 12)]), rng.choice(statuses))
        if program.end_date is not None and program.end_date < program.start_date:
            program = program._replace(end_date=program.start_date)
        valid_from = offset(-6, 9)
        valid_until = rng.choice([None, valid_from + dt.timedelta(days=rng.randint(1, 8))])
        schedule = _Schedule(valid_from, valid_until, rng.randint(1, 127))
        pauses = [
            _Pause(start, rng.choice([None, start + dt.timedelta(days=rng.randint(1, 4))]))
            for start in (offset(-3, 10) for _ in range(rng.choice([0, 0, 1, 2])))
        ]
        entry = _ScheduleLines(schedule, 1, 1, program, pauses)
        count, today = rng.randint(1, 10), offset(-2, 12)
        expected = [
            index
            for index in range(count)
            if item_scheduled_on(schedule, program, pauses, first + dt.timedelta(index), today)
        ]
        assert scheduled_offsets(entry, first, count, today) == expected, (entry, count, today)


def test_several_pauses_in_the_window_neither_double_lines_nor_hide_days(program):
    from programs.models import ProgramPause

    twice = factories.ProgramItemFactory(program=program, times_per_day=2)
    factories.ProgramItemFactory(program=program, times_per_day=1)
    monday = WEDNESDAY - dt.timedelta(days=9)
    for start, end in ((0, 2), (4, 5), (30, None)):  # the last one starts after the window
        ProgramPause.objects.create(
            program=program,
            start=monday + dt.timedelta(days=start),
            end=None if end is None else monday + dt.timedelta(days=end),
        )
    factories.ExerciseLogFactory(item=twice, date=monday + dt.timedelta(days=3))
    days = statuses(program.patient, monday, monday + dt.timedelta(days=6))
    scheduled = [days[monday + dt.timedelta(days=n)].scheduled for n in range(7)]
    assert scheduled == [0, 0, 3, 3, 0, 3, 3]
    assert days[monday + dt.timedelta(days=3)].done == 1


def test_recent_rates_equal_the_rates_of_the_recent_day_statuses(db):
    """The patient list's shortcut gives what adherence_rates gives on the days."""
    rng = random.Random(9)
    patients = []
    for zone in ("Europe/London", "Asia/Kolkata", "America/Los_Angeles"):
        for _ in range(4):
            patient = factories.PatientFactory(timezone=zone)
            program = factories.ProgramFactory(
                patient=patient, start_date=WEDNESDAY - dt.timedelta(days=rng.randint(0, 9))
            )
            for times in (1, 2):
                item = factories.ProgramItemFactory(program=program, times_per_day=times)
                for n in range(9):
                    for _ in range(rng.randint(0, times)):
                        factories.ExerciseLogFactory(item=item, date=WEDNESDAY - dt.timedelta(n))
            patients.append(patient)
    statuses = recent_day_statuses(patients=patients, days=7, now=NOON_UTC)
    expected = {pk: adherence_rates(days, days[-1].date) for pk, days in statuses.items()}
    assert recent_rates(patients=patients, days=7, now=NOON_UTC) == expected
    assert len({rates.items_done_rate for rates in expected.values()}) > 3
