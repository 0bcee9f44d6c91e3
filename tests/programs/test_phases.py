"""Phased protocols: a program starts in phase 1, moves on by date or when a
clinician approves, and past logs keep pointing at what was prescribed."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramItem, TemplatePhase
from programs.services.phases import phases_daily_pass
from programs.services.programs import program_assign, program_pause, program_resume
from programs.services.suggestions import (
    SuggestionClosed,
    suggestion_accept,
    suggestion_dismiss,
)
from programs.suggestion_models import Suggestion
from tests.factories import (
    ClinicianFactory,
    ExerciseFactory,
    ExerciseLogFactory,
    PatientFactory,
    ProgramTemplateFactory,
    TemplateItemFactory,
    TemplatePhaseFactory,
)

pytestmark = pytest.mark.django_db
START = dt.date(2026, 3, 2)  # a Monday; phase 2 is due on 16 March, phase 3 on 30 March
APPROVAL = TemplatePhase.Advance.APPROVAL


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def protocol():
    """Mobility (2 weeks, by date) -> Strength (2 weeks, on approval) -> Return to run."""
    template = ProgramTemplateFactory(name="Back to running")
    names = ["Cat camel", "Glute bridge", "Dead bug", "Side plank", "Step up", "Easy run"]
    ex = {name: ExerciseFactory(name=name) for name in names}
    mobility = TemplatePhaseFactory(
        template=template, order=1, name="Mobility and activation", weeks=2
    )
    strength = TemplatePhaseFactory(
        template=template, order=2, name="Strength", weeks=2, advance=APPROVAL
    )
    running = TemplatePhaseFactory(template=template, order=3, name="Return to run", weeks=2)
    lines = [
        (mobility, "Cat camel", 2),
        (mobility, "Glute bridge", 2),
        (strength, "Glute bridge", 3),
        (strength, "Dead bug", 3),
        (strength, "Side plank", 3),
        (strength, "Step up", 3),
        (running, "Easy run", 1),
    ]
    for order, (phase, name, sets) in enumerate(lines, start=1):
        TemplateItemFactory(
            template=template, phase=phase, exercise=ex[name], order=order, sets=sets
        )
    return template


def assign(template, patient=None, start=START) -> Program:
    return program_assign(
        patient=patient or PatientFactory(),
        name="Back to running",
        start_date=start,
        template=template,
    )


def current(program) -> list[tuple[str, int]]:
    rows = program.items.filter(valid_until__isnull=True).select_related("exercise")
    return [(row.exercise.name, row.sets) for row in rows.order_by("order")]


def run_on(day: dt.date, hour: int = 12) -> dict:
    with time_machine.travel(at(day, hour), tick=False):
        return phases_daily_pass()


def test_a_phased_protocol_starts_in_phase_one_with_its_lines_only(protocol):
    program = assign(protocol)
    assert program.phase.name == "Mobility and activation"
    assert program.phase_started_on == START
    assert current(program) == [("Cat camel", 2), ("Glute bridge", 2)]


def test_a_date_phase_moves_on_its_date_and_logs_keep_their_prescription(protocol):
    program = assign(protocol)
    cat_camel = program.items.get(exercise__name="Cat camel")
    bridge = program.items.get(exercise__name="Glute bridge")
    log = ExerciseLogFactory(item=cat_camel, date=dt.date(2026, 3, 10))
    assert run_on(dt.date(2026, 3, 15))["moved"] == 0  # day 14 of phase 1
    assert run_on(dt.date(2026, 3, 16))["moved"] == 1
    assert run_on(dt.date(2026, 3, 16))["moved"] == 0  # a rerun changes nothing
    program.refresh_from_db()
    assert (program.phase.name, program.phase_started_on, program.version) == (
        "Strength",
        dt.date(2026, 3, 16),
        2,
    )
    assert current(program) == [
        ("Glute bridge", 3),
        ("Dead bug", 3),
        ("Side plank", 3),
        ("Step up", 3),
    ]
    log.refresh_from_db()
    cat_camel.refresh_from_db()
    assert log.item_id == cat_camel.pk and log.program_version == 1
    assert (cat_camel.sets, cat_camel.valid_until) == (2, dt.date(2026, 3, 16))
    # A line both phases share keeps its key, so today's progress carries over.
    new_bridge = program.items.get(exercise__name="Glute bridge", valid_until__isnull=True)
    assert new_bridge.key == bridge.key and new_bridge.version == 2


def in_strength(protocol, **kwargs) -> Program:
    program = assign(protocol, **kwargs)
    run_on(dt.date(2026, 3, 16))
    program.refresh_from_db()
    assert program.phase.order == 2
    return program


def test_an_approval_phase_raises_one_suggestion_which_accepting_applies(protocol):
    program = in_strength(protocol)
    dead_bug = program.items.get(exercise__name="Dead bug", valid_until__isnull=True)
    log = ExerciseLogFactory(item=dead_bug, date=dt.date(2026, 3, 20))
    assert run_on(dt.date(2026, 3, 29))["raised"] == 0
    assert run_on(dt.date(2026, 3, 30))["raised"] == 1
    assert run_on(dt.date(2026, 3, 30))["raised"] == 0
    assert run_on(dt.date(2026, 3, 31))["raised"] == 0  # still open
    (suggestion,) = Suggestion.objects.filter(kind=Suggestion.Kind.PHASE)
    assert suggestion.evidence == (
        "Phase 2 'Strength' ran its 2 weeks; next: 'Return to run' (1 exercise)"
    )
    assert suggestion.change == "Move on to phase 3: Return to run"
    program.refresh_from_db()
    assert program.phase.order == 2  # nothing moves before the clinician says so

    with time_machine.travel(at(dt.date(2026, 4, 1)), tick=False):
        suggestion_accept(suggestion=suggestion, by=ClinicianFactory().user)
    program.refresh_from_db()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert (program.phase.name, program.phase_started_on, program.version) == (
        "Return to run",
        dt.date(2026, 4, 1),
        3,
    )
    assert current(program) == [("Easy run", 1)]
    log.refresh_from_db()
    assert log.item_id == dead_bug.pk and log.program_version == 2
    # The last phase just stays.
    assert run_on(dt.date(2026, 6, 1)) == {"due": 1, "moved": 0, "raised": 0}


def test_a_dismissed_phase_suggestion_comes_back_a_week_later(protocol):
    program = in_strength(protocol)
    run_on(dt.date(2026, 3, 30))
    suggestion = Suggestion.objects.get(kind=Suggestion.Kind.PHASE)
    suggestion_dismiss(suggestion=suggestion, by=ClinicianFactory().user)
    assert run_on(dt.date(2026, 3, 31))["raised"] == 0
    assert run_on(dt.date(2026, 4, 5))["raised"] == 0
    assert run_on(dt.date(2026, 4, 6))["raised"] == 1
    program.refresh_from_db()
    assert program.phase.order == 2 and program.version == 2


def test_a_paused_program_does_not_move_and_its_suggestion_cannot_be_accepted(protocol):
    program = assign(protocol)
    with time_machine.travel(at(dt.date(2026, 3, 10)), tick=False):
        program_pause(program=program)
    assert run_on(dt.date(2026, 3, 20)) == {"due": 0, "moved": 0, "raised": 0}
    program.refresh_from_db()
    assert (program.phase.order, program.version) == (1, 1)

    other = in_strength(protocol)
    run_on(dt.date(2026, 3, 30))
    suggestion = Suggestion.objects.get(program=other, kind=Suggestion.Kind.PHASE)
    with time_machine.travel(at(dt.date(2026, 3, 30)), tick=False):
        program_pause(program=other)
    with pytest.raises(SuggestionClosed):
        suggestion_accept(suggestion=suggestion, by=ClinicianFactory().user)
    suggestion.refresh_from_db()
    other.refresh_from_db()
    assert suggestion.status == Suggestion.Status.EXPIRED and other.phase.order == 2


def test_days_paused_inside_a_phase_push_its_date_back(protocol):
    program = assign(protocol)
    with time_machine.travel(at(dt.date(2026, 3, 5)), tick=False):
        program_pause(program=program)
    with time_machine.travel(at(dt.date(2026, 3, 8)), tick=False):
        program_resume(program=program)
    # Paused 5 to 8 March (3 days): phase 1 now runs until 18 March inclusive.
    assert run_on(dt.date(2026, 3, 18))["moved"] == 0
    assert run_on(dt.date(2026, 3, 19))["moved"] == 1


def test_the_move_follows_each_patients_local_date(protocol):
    ahead = assign(protocol, patient=PatientFactory(timezone="Pacific/Kiritimati"))  # UTC+14
    behind = assign(protocol, patient=PatientFactory(timezone="Pacific/Pago_Pago"))  # UTC-11
    # 10:00 UTC on 15 March: already 16 March in Kiritimati, still 14 March in Pago Pago.
    assert run_on(dt.date(2026, 3, 15), hour=10)["moved"] == 1
    ahead.refresh_from_db()
    behind.refresh_from_db()
    assert (ahead.phase.order, ahead.phase_started_on) == (2, dt.date(2026, 3, 16))
    assert behind.phase.order == 1
    assert run_on(dt.date(2026, 3, 16), hour=10)["moved"] == 0
    assert run_on(dt.date(2026, 3, 16), hour=12)["moved"] == 1  # 01:00 on 16 March there


def test_a_phase_across_a_clock_change_ends_on_the_local_date(protocol):
    # London moves to summer time on 29 March 2026; the phase started on 23 March
    # is due on 6 April, which begins at 23:00 UTC on 5 April.
    program = assign(
        protocol, patient=PatientFactory(timezone="Europe/London"), start=dt.date(2026, 3, 23)
    )
    assert run_on(dt.date(2026, 4, 5), hour=22)["moved"] == 0
    with time_machine.travel(dt.datetime(2026, 4, 5, 23, 30, tzinfo=dt.UTC), tick=False):
        assert phases_daily_pass()["moved"] == 1
    program.refresh_from_db()
    assert program.phase_started_on == dt.date(2026, 4, 6)
    assert ProgramItem.objects.filter(program=program, valid_from=dt.date(2026, 4, 6)).exists()


def pass_queries(day: dt.date) -> int:
    """Statements the pass runs; SQLite splits one bulk INSERT into batches by its
    variable limit, so those count once."""
    with time_machine.travel(at(day), tick=False), CaptureQueriesContext(connection) as ctx:
        phases_daily_pass()
    sql = [query["sql"] for query in ctx.captured_queries]
    inserts = [text for text in sql if text.startswith("INSERT")]
    assert all('"programs_suggestion"' in text for text in inserts)
    return len(sql) - len(inserts) + min(len(inserts), 1)


@pytest.mark.parametrize("count", [1, 50])
def test_the_daily_pass_costs_the_same_queries_for_1_or_50_programs(protocol, count):
    for _ in range(count):
        in_strength(protocol)
    quiet = pass_queries(dt.date(2026, 3, 20))  # nobody due
    raising = pass_queries(dt.date(2026, 3, 30))  # everybody due for approval
    assert Suggestion.objects.filter(kind=Suggestion.Kind.PHASE).count() == count
    assert (quiet, raising) == (1, 5)
