"""The daily progression pass: raised once, accepted into a new version, dismissed
for good, expired when the line changes, applied by itself where a protocol says so."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramItem
from programs.services.programs import program_line_change
from programs.services.suggestions import (
    SuggestionClosed,
    suggestion_accept,
    suggestion_dismiss,
    suggestions_daily_pass,
)
from programs.suggestion_models import ProgressionRule, Suggestion
from tests.factories import (
    ClinicianFactory,
    ExerciseFactory,
    ExerciseLogFactory,
    PatientFactory,
    ProgramFactory,
    ProgramItemFactory,
    ProgramTemplateFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 21, 12, 0, tzinfo=dt.UTC)  # London: yesterday is 20 March
YESTERDAY = dt.date(2026, 3, 20)


@pytest.fixture
def chain():
    bridge = ExerciseFactory(name="Glute bridge")
    marching = ExerciseFactory(
        name="Marching bridge", default_sets=2, default_reps=8, regression=bridge
    )
    bridge.progression = marching
    bridge.save()
    return bridge, marching


def line_for(exercise, patient=None, template=None) -> ProgramItem:
    program = ProgramFactory(
        patient=patient or PatientFactory(), start_date=dt.date(2026, 2, 1), template=template
    )
    return ProgramItemFactory(program=program, exercise=exercise, sets=3, reps=10)


def log_days(item, days, pain=1, difficulty=4, end=YESTERDAY, **done):
    for offset in range(days):
        ExerciseLogFactory(
            item=item,
            date=end - dt.timedelta(days=offset),
            pain=pain,
            difficulty=difficulty,
            **done,
        )


def run(now=NOW):
    return suggestions_daily_pass(now=now)


def test_a_comfortable_line_gets_one_advance_suggestion(chain):
    bridge, _marching = chain
    item = line_for(bridge)
    log_days(item, 4)
    assert run()["raised"] == 1
    assert run()["raised"] == 0  # idempotent
    (suggestion,) = Suggestion.objects.all()
    assert suggestion.status == "open" and suggestion.kind == "advance"
    assert suggestion.evidence == "4 of 4 sessions complete, pain 1, difficulty 4"
    assert suggestion.change == (
        "Marching bridge, 2 sets, 8 reps (was Glute bridge, 3 sets, 10 reps)"
    )
    assert (suggestion.window_start, suggestion.window_end) == (
        YESTERDAY - dt.timedelta(days=3),
        YESTERDAY,
    )
    assert suggestion.clinic_id == item.program.patient.clinic_id


def test_one_open_suggestion_per_line_is_a_constraint(chain):
    item = line_for(chain[0])
    log_days(item, 4)
    run()
    suggestion = Suggestion.objects.get()
    suggestion.pk = None
    with pytest.raises(IntegrityError):
        suggestion.save()


def test_a_failed_set_or_too_few_sessions_raise_nothing(chain):
    failed = line_for(chain[0])
    log_days(failed, 3)
    ExerciseLogFactory(item=failed, date=YESTERDAY - dt.timedelta(days=3), sets_done=2)
    ExerciseLogFactory(item=failed, date=YESTERDAY - dt.timedelta(days=4), sets_done=1)
    young = line_for(chain[0])
    young.program.start_date = young.valid_from = YESTERDAY - dt.timedelta(days=2)
    young.program.save()
    young.save()
    log_days(young, 3)
    assert run() == {"lines": 2, "raised": 0, "applied": 0, "expired": 0}


def test_accepting_makes_a_new_version_and_the_count_restarts(chain):
    bridge, marching = chain
    item = line_for(bridge)
    log_days(item, 4)
    run()
    clinician = ClinicianFactory(clinic=item.program.patient.clinic)
    suggestion = suggestion_accept(suggestion=Suggestion.objects.get(), by=clinician.user, now=NOW)
    program = Program.objects.get(pk=item.program_id)
    assert program.version == 2
    new_row = ProgramItem.objects.get(program=program, key=item.key, valid_until__isnull=True)
    assert (new_row.exercise, new_row.sets, new_row.reps) == (marching, 2, 8)
    assert suggestion.status == "accepted" and suggestion.applied_item == new_row
    assert ProgramItem.objects.get(pk=item.pk).logs.count() == 4  # logs keep their prescription
    assert run(NOW + dt.timedelta(days=1))["raised"] == 0
    with pytest.raises(SuggestionClosed):
        suggestion_accept(suggestion=suggestion, by=clinician.user)


def test_dismissed_for_good_for_its_evidence_window(chain):
    item = line_for(chain[0])
    log_days(item, 4)
    run()
    clinician = ClinicianFactory(clinic=item.program.patient.clinic)
    dismissed = suggestion_dismiss(suggestion=Suggestion.objects.get(), by=clinician.user)
    assert dismissed.status == "dismissed"
    # The next days' windows overlap the dismissed one: nothing is raised.
    for days in (1, 2, 3):
        log_days(item, 1, end=YESTERDAY + dt.timedelta(days=days))
        assert run(NOW + dt.timedelta(days=days))["raised"] == 0
    # Four sessions all after the dismissed window are new evidence.
    log_days(item, 1, end=YESTERDAY + dt.timedelta(days=4))
    assert run(NOW + dt.timedelta(days=4))["raised"] == 1
    fresh = Suggestion.objects.get(status="open")
    assert fresh.window_start == YESTERDAY + dt.timedelta(days=1)
    with pytest.raises(SuggestionClosed):
        suggestion_dismiss(suggestion=dismissed, by=clinician.user)


def test_a_line_changed_by_hand_expires_its_suggestion(chain):
    item = line_for(chain[0])
    log_days(item, 4)
    run()
    program_line_change(program=item.program, key=item.key, dose={"reps": 12}, now=NOW)
    suggestion = Suggestion.objects.get()
    with pytest.raises(SuggestionClosed):
        suggestion_accept(suggestion=suggestion, by=None, now=NOW)
    suggestion.refresh_from_db()
    assert suggestion.status == "expired"
    assert Program.objects.get(pk=item.program_id).version == 2  # only the hand edit


def test_the_pass_expires_suggestions_of_changed_lines(chain):
    item = line_for(chain[0])
    log_days(item, 4)
    run()
    program_line_change(program=item.program, key=item.key, dose={"reps": 12}, now=NOW)
    assert run(NOW + dt.timedelta(hours=1))["expired"] == 1


def test_two_painful_sessions_suggest_the_previous_exercise(chain):
    bridge, marching = chain
    item = line_for(marching)
    log_days(item, 2, pain=7)
    run()
    suggestion = Suggestion.objects.get()
    assert suggestion.kind == "regress"
    assert suggestion.evidence == "pain 7 then 7 on the last 2 sessions"
    assert suggestion.to_exercise == bridge


def test_auto_apply_for_a_protocol_the_clinic_turned_it_on_for(chain):
    bridge, _marching = chain
    protocol = ProgramTemplateFactory()
    auto = line_for(bridge, template=protocol)
    ProgressionRule.objects.create(
        clinic=auto.program.patient.clinic, template=protocol, auto_apply=True
    )
    manual = line_for(bridge)  # another clinic, no rule: proposes only
    log_days(auto, 4)
    log_days(manual, 4)
    assert run()["applied"] == 1
    applied = Suggestion.objects.get(program=auto.program)
    assert applied.status == "applied" and applied.decided_by is None
    assert Program.objects.get(pk=auto.program_id).version == 2
    assert Suggestion.objects.get(program=manual.program).status == "open"
    assert Program.objects.get(pk=manual.program_id).version == 1


def test_a_protocol_rule_overrides_the_clinic_default(chain):
    item = line_for(chain[0])
    log_days(item, 4, pain=3)
    ProgressionRule.objects.create(clinic=item.program.patient.clinic, advance_max_pain=2)
    assert run()["raised"] == 0


def _queries_for(patients: int, chain) -> tuple[int, int]:
    for _ in range(patients):
        item = line_for(chain[0])
        ProgramItemFactory(program=item.program, exercise=chain[1], days_mask=0b0010101)
        log_days(item, 4)
    with CaptureQueriesContext(connection) as queries:
        run()
    raised = Suggestion.objects.count()
    Suggestion.objects.all().delete()
    # The one bulk INSERT is split only by the backend's parameter limit (SQLite).
    reads = [q for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
    return len(reads), raised


def test_query_count_is_flat_at_1x_and_50x_patients(chain):
    one, raised_one = _queries_for(1, chain)
    fifty, raised_fifty = _queries_for(49, chain)  # 50 with the first
    assert (raised_one, raised_fifty) == (1, 50)
    assert one == fifty
