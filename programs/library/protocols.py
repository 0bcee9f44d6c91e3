"""The four starter protocols (global program templates).

Items are listed in the order the patient does them; the loader numbers them from 1.
`days` are ISO weekdays (Monday = 1). Release and mobility run daily, strength work on
Monday, Wednesday and Friday, run-related items on typical run days.
"""

from programs.library.common import DAILY, LONG_RUN_PLANNING_DAY, RUN_DAYS, STRENGTH_DAYS

PROTOCOLS = [
    {
        "slug": "anterior-pelvic-tilt-reset",
        "name": "Anterior pelvic tilt reset",
        "description": (
            "For runners whose pelvis tips forward after long hours of sitting. Each day the "
            "patient loosens the hip flexors and the muscles beside the low back and stretches "
            "the front of the hip; three days a week they build the deep core, the glutes and "
            "trunk control that hold the pelvis level when running. Review after two weeks and "
            "move each exercise one step along its chain when it is easy."
        ),
        "items": [
            {
                "exercise": "foam-roll-hip-flexors-quads",
                "sets": 1,
                "duration_seconds": 60,
                "side": "each",
                "days": DAILY,
                "notes": "Slow passes; pause on tender spots.",
            },
            {
                "exercise": "foam-roll-lumbar-extensors",
                "sets": 1,
                "duration_seconds": 45,
                "side": "each",
                "days": DAILY,
                "notes": "Beside the spine only, never on it.",
            },
            {
                "exercise": "half-kneeling-hip-flexor-stretch",
                "sets": 3,
                "hold_seconds": 30,
                "side": "each",
                "days": DAILY,
                "notes": "Squeeze the back buttock before leaning forward.",
            },
            {
                "exercise": "dead-bug",
                "sets": 3,
                "reps": 8,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Back stays quiet on the mat.",
            },
            {
                "exercise": "front-plank",
                "sets": 3,
                "hold_seconds": 30,
                "side": "both",
                "days": STRENGTH_DAYS,
                "notes": "Drop to the knees when the line is lost.",
            },
            {
                "exercise": "side-plank",
                "sets": 2,
                "hold_seconds": 30,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Start from the knees if a full side plank is too much.",
            },
            {
                "exercise": "glute-bridge",
                "sets": 3,
                "reps": 12,
                "side": "both",
                "days": STRENGTH_DAYS,
                "notes": "Two-second squeeze at the top.",
            },
            {
                "exercise": "reverse-lunge",
                "sets": 3,
                "reps": 8,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Tuck the tail to feel the back hip open.",
            },
            {
                "exercise": "pallof-press-half-kneeling",
                "sets": 3,
                "reps": 10,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Chest stays facing forward against the band.",
            },
        ],
    },
    {
        "slug": "hip-stability-for-runners",
        "name": "Hip stability for runners",
        "description": (
            "Strength for the side-of-hip muscles and single-leg control, for runners whose "
            "pelvis drops or whose knee drifts inward on each stride. Best used after a "
            "clinician has assessed which side is weaker. Three sessions a week, moving from "
            "floor work to standing single-leg work within each session."
        ),
        "items": [
            {
                "exercise": "clamshell",
                "sets": 2,
                "reps": 15,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Pelvis still; add the band when 15 are easy.",
            },
            {
                "exercise": "side-lying-hip-abduction",
                "sets": 3,
                "reps": 12,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Lead with the heel, leg slightly behind the body.",
            },
            {
                "exercise": "lateral-band-walk",
                "sets": 3,
                "reps": 10,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Ten steps each way with the band tight.",
            },
            {
                "exercise": "single-leg-bridge",
                "sets": 3,
                "reps": 8,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Both hip bones rise together.",
            },
            {
                "exercise": "single-leg-rdl",
                "sets": 3,
                "reps": 8,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Fingertip on a wall until balance is steady.",
            },
            {
                "exercise": "side-plank",
                "sets": 3,
                "hold_seconds": 30,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Straight line from ear to ankle.",
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
        "items": [
            {
                "exercise": "foam-roll-thoracic-spine",
                "sets": 1,
                "duration_seconds": 90,
                "side": "both",
                "days": DAILY,
                "notes": "Stay on the rib cage, above the low back.",
            },
            {
                "exercise": "thoracic-extension-foam-roller",
                "sets": 2,
                "reps": 8,
                "side": "both",
                "days": DAILY,
                "notes": "Two or three levels of the mid-back.",
            },
            {
                "exercise": "open-book",
                "sets": 2,
                "reps": 8,
                "side": "each",
                "days": DAILY,
                "notes": "Breathe out as the chest opens.",
            },
            {
                "exercise": "quadruped-thoracic-rotation",
                "sets": 2,
                "reps": 8,
                "side": "each",
                "days": DAILY,
                "notes": "Hips back towards the heels to keep the low back still.",
            },
            {
                "exercise": "cat-camel",
                "sets": 2,
                "reps": 10,
                "side": "both",
                "days": DAILY,
                "notes": "Easy range, moving with the breath.",
            },
            {
                "exercise": "movement-break",
                "duration_seconds": 120,
                "side": "both",
                "days": DAILY,
                "times_per_day": 4,
                "notes": "Spread through the day; one at least every hour of sitting.",
            },
        ],
    },
    {
        "slug": "return-to-run-form-and-load",
        "name": "Return-to-run form and load",
        "description": (
            "For runners coming back after a back flare. Runs stay easy while form drills "
            "shorten the stride and lighten the landing, mileage climbs in small planned "
            "steps, fluids and salt come before each run, and a short core circuit on the "
            "other days keeps the trunk ready for the load. Adjust the run days to the "
            "patient's own week."
        ),
        "items": [
            {
                "exercise": "hydration-electrolytes",
                "sets": 1,
                "reps": 1,
                "side": "both",
                "days": RUN_DAYS,
                "notes": "One to two hours before the run.",
            },
            {
                "exercise": "cadence-drill",
                "sets": 4,
                "duration_seconds": 30,
                "side": "both",
                "days": RUN_DAYS,
                "notes": "After the warm-up; about five percent above your usual cadence.",
            },
            {
                "exercise": "easy-run-form-focus",
                "sets": 1,
                "duration_seconds": 1200,
                "side": "both",
                "days": RUN_DAYS,
                "notes": "Twenty easy minutes to start; the mileage ramp decides when it grows.",
            },
            {
                "exercise": "form-cue-check-in",
                "sets": 2,
                "duration_seconds": 60,
                "side": "both",
                "days": RUN_DAYS,
                "notes": "One cue per check-in during the run.",
            },
            {
                "exercise": "gradual-mileage-ramp",
                "sets": 1,
                "reps": 1,
                "side": "both",
                "days": LONG_RUN_PLANNING_DAY,
                "notes": "Plan next week: at most about ten percent more.",
            },
            {
                "exercise": "dead-bug",
                "sets": 2,
                "reps": 8,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Core circuit: move straight on to the next exercise.",
            },
            {
                "exercise": "bird-dog",
                "sets": 2,
                "reps": 8,
                "hold_seconds": 5,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Core circuit.",
            },
            {
                "exercise": "side-plank",
                "sets": 2,
                "hold_seconds": 30,
                "side": "each",
                "days": STRENGTH_DAYS,
                "notes": "Core circuit.",
            },
            {
                "exercise": "glute-bridge",
                "sets": 2,
                "reps": 12,
                "side": "both",
                "days": STRENGTH_DAYS,
                "notes": "Core circuit: rest a minute, then repeat the circuit once.",
            },
        ],
    },
]
