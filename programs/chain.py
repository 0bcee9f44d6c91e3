"""One step along the library's progression chain, for a program line.

Shared by the console's "swap along the chain" and the progression suggestions:
the next (or previous) exercise when the chain has one the clinic may use, at that
exercise's starting dose; at the end of a chain, a bigger (or smaller) dose of the
same exercise within the rule's range (programs.progression)."""

from dataclasses import dataclass

from programs.models import Exercise
from programs.progression import ADVANCE, Dose, Rule, describe_dose, dose_advanced, dose_regressed

DIRECTION = {ADVANCE: "progression", "regress": "regression"}


def chain_neighbour(*, exercise: Exercise, direction: str, clinic_id: int) -> Exercise | None:
    """exercise.progression or .regression when the clinic may use it (global or its own).

    Reads the related row; select_related("progression", "regression") avoids a query."""
    target = getattr(exercise, direction)
    if target is None or target.clinic_id not in (None, clinic_id):
        return None
    return target


@dataclass(frozen=True)
class LineStep:
    exercise: Exercise
    dose: Dose
    change: str  # in words: "Marching bridge, 2 sets, 10 reps (was Glute bridge, ...)"


def item_dose(item) -> Dose:
    return Dose(item.sets, item.reps, item.hold_seconds, item.duration_seconds)


def starting_dose(exercise: Exercise, fallback: Dose) -> Dose:
    own = Dose(
        exercise.default_sets,
        exercise.default_reps,
        exercise.default_hold_seconds,
        exercise.default_duration_seconds,
    )
    return own if any(value is not None for value in own) else fallback


def line_step(
    *, exercise: Exercise, dose: Dose, kind: str, rule: Rule, clinic_id: int
) -> LineStep | None:
    """What advancing (kind=advance) or regressing a line of `exercise` at `dose`
    means, or None when there is no further step (the end of the chain and the top,
    or bottom, of the range)."""
    was = f"{exercise.name}, {describe_dose(dose)}"
    neighbour = chain_neighbour(exercise=exercise, direction=DIRECTION[kind], clinic_id=clinic_id)
    if neighbour is not None:
        start = starting_dose(neighbour, dose)
        return LineStep(neighbour, start, f"{neighbour.name}, {describe_dose(start)} (was {was})")
    stepped = dose_advanced(dose, rule) if kind == ADVANCE else dose_regressed(dose, rule)
    if stepped is None:
        return None
    return LineStep(exercise, stepped, f"{exercise.name}, {describe_dose(stepped)} (was {was})")
