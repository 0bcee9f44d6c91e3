import datetime as dt

import pytest

from patients.models import Patient
from programs.models import Program, ProgramPause, days_to_mask
from programs.scheduling import has_unfinished_work, item_scheduled_on, scheduled_items
from tests import factories

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def item(db):
    program = factories.ProgramFactory(start_date=MONDAY - dt.timedelta(days=7))
    return factories.ProgramItemFactory(
        program=program, days_mask=days_to_mask([1, 3, 5]), times_per_day=2
    )


def both_forms(item, day, today):
    """The Python predicate and the queryset filter must agree."""
    in_python = item_scheduled_on(item, item.program, list(item.program.pauses.all()), day, today)
    in_sql = scheduled_items(day, today).filter(pk=item.pk).exists()
    assert in_python == in_sql
    return in_python


def test_item_is_scheduled_only_on_its_weekdays(item):
    assert both_forms(item, MONDAY, MONDAY)
    assert not both_forms(item, MONDAY + dt.timedelta(days=1), MONDAY)
    assert both_forms(item, MONDAY + dt.timedelta(days=2), MONDAY)


def test_nothing_is_scheduled_before_start_or_after_end(item):
    item.program.end_date = MONDAY + dt.timedelta(days=2)
    item.program.save()
    assert not both_forms(item, item.program.start_date - dt.timedelta(days=7), MONDAY)
    assert not both_forms(item, MONDAY + dt.timedelta(days=4), MONDAY)
    assert both_forms(item, MONDAY + dt.timedelta(days=2), MONDAY)


def test_a_pause_covers_its_days_and_a_finished_pause_ends(item):
    ProgramPause.objects.create(
        program=item.program, start=MONDAY, end=MONDAY + dt.timedelta(days=3)
    )
    assert not both_forms(item, MONDAY, MONDAY)
    assert not both_forms(item, MONDAY + dt.timedelta(days=2), MONDAY)
    assert both_forms(item, MONDAY + dt.timedelta(days=4), MONDAY)


def test_completed_program_keeps_history_but_schedules_nothing_from_today(item):
    item.program.status = Program.Status.COMPLETED
    item.program.save()
    assert both_forms(item, MONDAY - dt.timedelta(days=7), MONDAY)
    assert not both_forms(item, MONDAY, MONDAY)


def test_retired_item_row_is_scheduled_only_inside_its_validity(item):
    item.valid_until = MONDAY
    item.save()
    assert both_forms(item, MONDAY - dt.timedelta(days=3), MONDAY)
    assert not both_forms(item, MONDAY, MONDAY)


def test_work_is_unfinished_until_every_occurrence_is_logged(item):
    patient = item.program.patient
    unfinished = Patient.objects.filter(has_unfinished_work(MONDAY, MONDAY))
    assert list(unfinished) == [patient]
    factories.ExerciseLogFactory(item=item, date=MONDAY)
    assert list(unfinished.all()) == [patient]
    # The second occurrence is logged against a newer version of the same line.
    item.valid_until = MONDAY
    item.save()
    newer = factories.ProgramItemFactory(
        program=item.program, key=item.key, version=2, valid_from=MONDAY, times_per_day=2
    )
    factories.ExerciseLogFactory(item=newer, date=MONDAY)
    assert not unfinished.all().exists()
