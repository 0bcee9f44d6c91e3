"""The four starter protocols (global program templates), each in two or three phases.

A phase lists its items in the order the patient does them; the loader numbers the
items of a protocol from 1 across its phases. `weeks` is how long a phase runs;
`advance` says how a program leaves it for the next phase: "date" on the day it has
run its weeks, "approval" once a clinician accepts the suggestion raised that day
(the last phase just stays). `days` are ISO weekdays (Monday = 1): release and
mobility daily, strength work on Monday, Wednesday and Friday, run-related items on
typical run days.
"""

from programs.library.common import DAILY, LONG_RUN_PLANNING_DAY, RUN_DAYS, STRENGTH_DAYS


def _line(exercise: str, side: str, days: list[int], notes: str, **dose) -> dict:
    return {"exercise": exercise, "side": side, "days": days, "notes": notes, **dose}


# Lines a protocol carries unchanged from one phase into the next, written once.
_TILT_FOAM_ROLL_HIP_FLEXORS_QUADS = _line(
    "foam-roll-hip-flexors-quads",
    "each",
    DAILY,
    "Slow passes; pause on tender spots.",
    sets=1,
    duration_seconds=60,
)
_TILT_HALF_KNEELING_HIP_FLEXOR_STRETCH = _line(
    "half-kneeling-hip-flexor-stretch",
    "each",
    DAILY,
    "Squeeze the back buttock before leaning forward.",
    sets=3,
    hold_seconds=30,
)
_THORACIC_FOAM_ROLL_THORACIC_SPINE = _line(
    "foam-roll-thoracic-spine",
    "both",
    DAILY,
    "Stay on the rib cage, above the low back.",
    sets=1,
    duration_seconds=90,
)
_THORACIC_OPEN_BOOK = _line(
    "open-book",
    "each",
    DAILY,
    "Breathe out as the chest opens.",
    sets=2,
    reps=8,
)
_THORACIC_MOVEMENT_BREAK = _line(
    "movement-break",
    "both",
    DAILY,
    "Spread through the day; one at least every hour of sitting.",
    duration_seconds=120,
    times_per_day=4,
)
_RUN_HYDRATION_ELECTROLYTES = _line(
    "hydration-electrolytes",
    "both",
    RUN_DAYS,
    "One to two hours before the run.",
    sets=1,
    reps=1,
)
_RUN_CADENCE_DRILL = _line(
    "cadence-drill",
    "both",
    RUN_DAYS,
    "After the warm-up; about five percent above your usual cadence.",
    sets=4,
    duration_seconds=30,
)
_RUN_FORM_CUE_CHECK_IN = _line(
    "form-cue-check-in",
    "both",
    RUN_DAYS,
    "One cue per check-in during the run.",
    sets=2,
    duration_seconds=60,
)
_RUN_SIDE_PLANK = _line(
    "side-plank",
    "each",
    STRENGTH_DAYS,
    "Core circuit.",
    sets=2,
    hold_seconds=30,
)


PROTOCOLS = [
    {
        "slug": "anterior-pelvic-tilt-reset",
        "name": "Anterior pelvic tilt reset",
        "description": (
            "For runners whose pelvis tips forward after long hours of sitting. Each day the "
            "patient loosens the hip flexors and the muscles beside the low back and stretches "
            "the front of the hip; three days a week they build the deep core, the glutes and "
            "trunk control that hold the pelvis level when running. Easier versions first, "
            "then the full ones, then single-leg and standing work once a clinician agrees."
        ),
        "phases": [
            {
                "name": "Release and wake up",
                "weeks": 2,
                "advance": "date",
                "description": (
                    "Loosen the front of the hips every day and learn to switch on the deep "
                    "core and the glutes with the easiest versions."
                ),
                "items": [
                    _TILT_FOAM_ROLL_HIP_FLEXORS_QUADS,
                    _line(
                        "foam-roll-lumbar-extensors",
                        "each",
                        DAILY,
                        "Beside the spine only, never on it.",
                        sets=1,
                        duration_seconds=45,
                    ),
                    _TILT_HALF_KNEELING_HIP_FLEXOR_STRETCH,
                    _line(
                        "dead-bug-legs-only",
                        "each",
                        STRENGTH_DAYS,
                        "Low back stays heavy on the mat.",
                        sets=2,
                        reps=8,
                    ),
                    _line(
                        "knee-plank",
                        "both",
                        STRENGTH_DAYS,
                        "Knees to shoulders in one line.",
                        sets=3,
                        hold_seconds=20,
                    ),
                    _line(
                        "glute-bridge",
                        "both",
                        STRENGTH_DAYS,
                        "Two-second squeeze at the top.",
                        sets=3,
                        reps=12,
                    ),
                ],
            },
            {
                "name": "Core and glute strength",
                "weeks": 2,
                "advance": "approval",
                "description": (
                    "The full versions of the core work, and the glutes asked to hold the "
                    "pelvis level while one leg moves."
                ),
                "items": [
                    _TILT_FOAM_ROLL_HIP_FLEXORS_QUADS,
                    _TILT_HALF_KNEELING_HIP_FLEXOR_STRETCH,
                    _line(
                        "dead-bug",
                        "each",
                        STRENGTH_DAYS,
                        "Back stays quiet on the mat.",
                        sets=3,
                        reps=8,
                    ),
                    _line(
                        "front-plank",
                        "both",
                        STRENGTH_DAYS,
                        "Drop to the knees when the line is lost.",
                        sets=3,
                        hold_seconds=30,
                    ),
                    _line(
                        "side-plank",
                        "each",
                        STRENGTH_DAYS,
                        "Start from the knees if a full side plank is too much.",
                        sets=2,
                        hold_seconds=30,
                    ),
                    _line(
                        "marching-bridge",
                        "each",
                        STRENGTH_DAYS,
                        "Hips stay level as each foot lifts.",
                        sets=3,
                        reps=8,
                    ),
                ],
            },
            {
                "name": "Control on one leg",
                "weeks": 2,
                "advance": "date",
                "description": (
                    "Standing and single-leg work that carries the new pelvic control into "
                    "the shapes of running."
                ),
                "items": [
                    _line(
                        "couch-stretch",
                        "each",
                        DAILY,
                        "Tuck the tail before sinking the hips forward.",
                        sets=3,
                        hold_seconds=30,
                    ),
                    _line(
                        "dead-bug",
                        "each",
                        STRENGTH_DAYS,
                        "Slow; breathe out as the limbs reach.",
                        sets=3,
                        reps=10,
                    ),
                    _line(
                        "side-plank",
                        "each",
                        STRENGTH_DAYS,
                        "Straight line from ear to ankle.",
                        sets=3,
                        hold_seconds=30,
                    ),
                    _line(
                        "single-leg-bridge",
                        "each",
                        STRENGTH_DAYS,
                        "Both hip bones rise together.",
                        sets=3,
                        reps=8,
                    ),
                    _line(
                        "reverse-lunge",
                        "each",
                        STRENGTH_DAYS,
                        "Tuck the tail to feel the back hip open.",
                        sets=3,
                        reps=8,
                    ),
                    _line(
                        "pallof-press-half-kneeling",
                        "each",
                        STRENGTH_DAYS,
                        "Chest stays facing forward against the band.",
                        sets=3,
                        reps=10,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "hip-stability-for-runners",
        "name": "Hip stability for runners",
        "description": (
            "Strength for the side-of-hip muscles and single-leg control, for runners whose "
            "pelvis drops or whose knee drifts inward on each stride. Best used after a "
            "clinician has assessed which side is weaker. Three sessions a week: floor work "
            "first, then standing single-leg work once the clinician is happy with it."
        ),
        "phases": [
            {
                "name": "Floor work",
                "weeks": 2,
                "advance": "approval",
                "description": (
                    "Wake up the side-of-hip muscles lying down, where the pelvis is easy "
                    "to keep still, and practise standing on one leg."
                ),
                "items": [
                    _line(
                        "clamshell",
                        "each",
                        STRENGTH_DAYS,
                        "Pelvis still; the top knee opens only as far as the hip allows.",
                        sets=2,
                        reps=15,
                    ),
                    _line(
                        "side-lying-hip-abduction",
                        "each",
                        STRENGTH_DAYS,
                        "Lead with the heel, leg slightly behind the body.",
                        sets=3,
                        reps=12,
                    ),
                    _line(
                        "glute-bridge",
                        "both",
                        STRENGTH_DAYS,
                        "Two-second squeeze at the top.",
                        sets=3,
                        reps=12,
                    ),
                    _line(
                        "knee-side-plank",
                        "each",
                        STRENGTH_DAYS,
                        "Knees, hips and shoulders in one line.",
                        sets=3,
                        hold_seconds=20,
                    ),
                    _line(
                        "single-leg-balance",
                        "each",
                        STRENGTH_DAYS,
                        "Near a wall; the standing knee stays over the toes.",
                        sets=3,
                        hold_seconds=30,
                    ),
                ],
            },
            {
                "name": "Standing single-leg control",
                "weeks": 4,
                "advance": "date",
                "description": (
                    "The same muscles working while you stand and step, as they do on every stride."
                ),
                "items": [
                    _line(
                        "banded-clamshell",
                        "each",
                        STRENGTH_DAYS,
                        "Band just above the knees; pelvis still.",
                        sets=3,
                        reps=12,
                    ),
                    _line(
                        "lateral-band-walk",
                        "each",
                        STRENGTH_DAYS,
                        "Ten steps each way with the band tight.",
                        sets=3,
                        reps=10,
                    ),
                    _line(
                        "single-leg-bridge",
                        "each",
                        STRENGTH_DAYS,
                        "Both hip bones rise together.",
                        sets=3,
                        reps=8,
                    ),
                    _line(
                        "single-leg-rdl",
                        "each",
                        STRENGTH_DAYS,
                        "Fingertip on a wall until balance is steady.",
                        sets=3,
                        reps=8,
                    ),
                    _line(
                        "step-up",
                        "each",
                        STRENGTH_DAYS,
                        "Knee tracks over the middle toes on the way up.",
                        sets=3,
                        reps=10,
                    ),
                    _line(
                        "side-plank",
                        "each",
                        STRENGTH_DAYS,
                        "Straight line from ear to ankle.",
                        sets=3,
                        hold_seconds=30,
                    ),
                ],
            },
        ],
    },
    {
        "slug": "thoracic-mobility-for-runners",
        "name": "Thoracic mobility for runners",
        "description": (
            "A short daily routine for a stiff mid-back, so the rib cage rather than the low "
            "back supplies the turn and extension of running and the arm swing stays free. "
            "Movement breaks through the working day keep desk posture from undoing it."
        ),
        "phases": [
            {
                "name": "Loosen up",
                "weeks": 2,
                "advance": "date",
                "description": (
                    "Gentle rolling and easy turns, seated or on all fours, to get the "
                    "mid-back used to moving again."
                ),
                "items": [
                    _THORACIC_FOAM_ROLL_THORACIC_SPINE,
                    _line(
                        "cat-camel",
                        "both",
                        DAILY,
                        "Easy range, moving with the breath.",
                        sets=2,
                        reps=10,
                    ),
                    _line(
                        "seated-thoracic-rotation",
                        "each",
                        DAILY,
                        "Hips face forward; the turn comes from the chest.",
                        sets=2,
                        reps=8,
                    ),
                    _THORACIC_OPEN_BOOK,
                    _THORACIC_MOVEMENT_BREAK,
                ],
            },
            {
                "name": "Move through the range",
                "weeks": 4,
                "advance": "date",
                "description": (
                    "Fuller extension and rotation, and an arm swing that uses the new range "
                    "while you run."
                ),
                "items": [
                    _THORACIC_FOAM_ROLL_THORACIC_SPINE,
                    _line(
                        "thoracic-extension-foam-roller",
                        "both",
                        DAILY,
                        "Two or three levels of the mid-back.",
                        sets=2,
                        reps=8,
                    ),
                    _THORACIC_OPEN_BOOK,
                    _line(
                        "quadruped-thoracic-rotation",
                        "each",
                        DAILY,
                        "Hips back towards the heels to keep the low back still.",
                        sets=2,
                        reps=8,
                    ),
                    _line(
                        "arm-swing-drill",
                        "both",
                        RUN_DAYS,
                        "Before the run: elbows back, hands relaxed.",
                        sets=3,
                        duration_seconds=30,
                    ),
                    _THORACIC_MOVEMENT_BREAK,
                ],
            },
        ],
    },
    {
        "slug": "return-to-run-form-and-load",
        "name": "Return-to-run form and load",
        "description": (
            "For runners coming back after a back flare. Two weeks of trunk and hip work "
            "without running, then easy runs while form drills shorten the stride and "
            "lighten the landing, then mileage that climbs in small planned steps. Fluids "
            "and salt come before each run. Adjust the run days to the patient's own week."
        ),
        "phases": [
            {
                "name": "Ready to run",
                "weeks": 2,
                "advance": "approval",
                "description": (
                    "No running yet: build the trunk and hips that will take the load, and "
                    "check your shoes."
                ),
                "items": [
                    _line(
                        "dead-bug",
                        "each",
                        STRENGTH_DAYS,
                        "Back stays quiet on the mat.",
                        sets=2,
                        reps=8,
                    ),
                    _line(
                        "bird-dog",
                        "each",
                        STRENGTH_DAYS,
                        "Reach long; the hips do not turn.",
                        sets=2,
                        reps=8,
                        hold_seconds=5,
                    ),
                    _line(
                        "knee-side-plank",
                        "each",
                        STRENGTH_DAYS,
                        "Knees, hips and shoulders in one line.",
                        sets=3,
                        hold_seconds=20,
                    ),
                    _line(
                        "glute-bridge",
                        "both",
                        STRENGTH_DAYS,
                        "Two-second squeeze at the top.",
                        sets=3,
                        reps=12,
                    ),
                    _line(
                        "arm-swing-drill",
                        "both",
                        RUN_DAYS,
                        "Standing in place: elbows back, hands relaxed.",
                        sets=3,
                        duration_seconds=30,
                    ),
                    _line(
                        "footwear-check",
                        "both",
                        LONG_RUN_PLANNING_DAY,
                        "Look at the wear before the first run.",
                        sets=1,
                        reps=1,
                    ),
                ],
            },
            {
                "name": "Easy runs",
                "weeks": 2,
                "advance": "date",
                "description": (
                    "Short easy runs with one form cue at a time; a core circuit on the other days."
                ),
                "items": [
                    _RUN_HYDRATION_ELECTROLYTES,
                    _RUN_CADENCE_DRILL,
                    _line(
                        "easy-run-form-focus",
                        "both",
                        RUN_DAYS,
                        "Twenty easy minutes; stop early if the back complains.",
                        sets=1,
                        duration_seconds=1200,
                    ),
                    _RUN_FORM_CUE_CHECK_IN,
                    _line(
                        "dead-bug",
                        "each",
                        STRENGTH_DAYS,
                        "Core circuit: move straight on to the next exercise.",
                        sets=2,
                        reps=8,
                    ),
                    _line(
                        "bird-dog",
                        "each",
                        STRENGTH_DAYS,
                        "Core circuit.",
                        sets=2,
                        reps=8,
                        hold_seconds=5,
                    ),
                    _RUN_SIDE_PLANK,
                    _line(
                        "glute-bridge",
                        "both",
                        STRENGTH_DAYS,
                        "Core circuit: rest a minute, then repeat the circuit once.",
                        sets=2,
                        reps=12,
                    ),
                ],
            },
            {
                "name": "Build the mileage",
                "weeks": 4,
                "advance": "date",
                "description": (
                    "Longer runs, planned a week ahead so the total grows a little at a time."
                ),
                "items": [
                    _RUN_HYDRATION_ELECTROLYTES,
                    _RUN_CADENCE_DRILL,
                    _line(
                        "easy-run-form-focus",
                        "both",
                        RUN_DAYS,
                        "Thirty easy minutes; the mileage ramp decides when it grows.",
                        sets=1,
                        duration_seconds=1800,
                    ),
                    _RUN_FORM_CUE_CHECK_IN,
                    _line(
                        "gradual-mileage-ramp",
                        "both",
                        LONG_RUN_PLANNING_DAY,
                        "Plan next week: at most about ten percent more.",
                        sets=1,
                        reps=1,
                    ),
                    _line(
                        "dead-bug",
                        "each",
                        STRENGTH_DAYS,
                        "Core circuit: move straight on to the next exercise.",
                        sets=3,
                        reps=8,
                    ),
                    _RUN_SIDE_PLANK,
                    _line(
                        "marching-bridge",
                        "each",
                        STRENGTH_DAYS,
                        "Core circuit: rest a minute, then repeat the circuit once.",
                        sets=3,
                        reps=8,
                    ),
                ],
            },
        ],
    },
]
