"""What advancing or regressing a line means: along the chain, else within the range."""

import pytest

from programs.chain import item_dose, line_step
from programs.progression import ADVANCE, REGRESS, Dose, Rule
from programs.services.programs import program_line_change
from tests.factories import ClinicFactory, ExerciseFactory, ProgramItemFactory

pytestmark = pytest.mark.django_db
RULE = Rule()


@pytest.fixture
def bridge_chain():
    bridge = ExerciseFactory(name="Glute bridge", default_sets=2, default_reps=10)
    marching = ExerciseFactory(
        name="Marching bridge", default_sets=2, default_reps=8, regression=bridge
    )
    single = ExerciseFactory(name="Single-leg bridge", default_sets=3, default_reps=6)
    bridge.progression = marching
    bridge.save()
    marching.progression = single
    marching.save()
    single.regression = marching
    single.save()
    return bridge, marching, single


def _step(item, kind):
    """The step for this line, seen from its own clinic with the default rule."""
    return line_step(
        exercise=item.exercise,
        dose=item_dose(item),
        kind=kind,
        rule=RULE,
        clinic_id=item.program.patient.clinic_id,
    )


def test_advance_moves_to_the_next_exercise_at_its_starting_dose(bridge_chain):
    bridge, marching, _ = bridge_chain
    item = ProgramItemFactory(exercise=bridge, sets=3, reps=12)
    step = _step(item, ADVANCE)
    assert step.exercise == marching
    assert step.dose == Dose(sets=2, reps=8)
    assert step.change == "Marching bridge, 2 sets, 8 reps (was Glute bridge, 3 sets, 12 reps)"


def test_regress_moves_to_the_previous_exercise(bridge_chain):
    _, marching, single = bridge_chain
    item = ProgramItemFactory(exercise=single)
    step = _step(item, REGRESS)
    assert step.exercise == marching


def test_at_the_end_of_the_chain_the_dose_grows_within_the_range(bridge_chain):
    *_, single = bridge_chain
    item = ProgramItemFactory(exercise=single, sets=2, reps=14)
    step = _step(item, ADVANCE)
    assert (step.exercise, step.dose) == (single, Dose(sets=2, reps=15))
    item = ProgramItemFactory(exercise=single, sets=3, reps=15)
    assert _step(item, ADVANCE) is None


def test_at_the_start_of_the_chain_the_dose_shrinks(bridge_chain):
    bridge, *_ = bridge_chain
    item = ProgramItemFactory(exercise=bridge, sets=3, reps=10)
    step = _step(item, REGRESS)
    assert (step.exercise, step.dose) == (bridge, Dose(sets=2, reps=10))


def test_another_clinics_private_exercise_is_not_a_step():
    private = ExerciseFactory(clinic=ClinicFactory(), name="Their bridge")
    bridge = ExerciseFactory(name="Glute bridge", regression=private)
    item = ProgramItemFactory(exercise=bridge, sets=2, reps=10)
    step = _step(item, REGRESS)
    assert (step.exercise, step.dose) == (bridge, Dose(sets=1, reps=10))


def test_line_change_writes_a_new_version_of_that_line_only(bridge_chain):
    bridge, marching, _ = bridge_chain
    item = ProgramItemFactory(exercise=bridge)
    other = ProgramItemFactory(program=item.program)
    program = program_line_change(
        program=item.program, key=item.key, exercise=marching, dose={"sets": 2, "reps": 8}
    )
    assert program.version == 2
    current = {row.key: row for row in program.items.filter(valid_until__isnull=True)}
    assert current[item.key].exercise == marching and current[item.key].reps == 8
    assert current[other.key].pk == other.pk
