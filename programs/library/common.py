"""Wording and schedules that several library modules share.

Kept free of Django imports so the data modules can be read (and tested) on their own.
"""

# ISO weekdays: Monday = 1 ... Sunday = 7.
DAILY = [1, 2, 3, 4, 5, 6, 7]
WEEKDAYS = [1, 2, 3, 4, 5]
STRENGTH_DAYS = [1, 3, 5]
RUN_DAYS = [2, 4, 6, 7]
LONG_RUN_PLANNING_DAY = [7]

LEG_SYMPTOMS = (
    "Stop and tell your clinician if pain spreads into a buttock or leg, or if you notice "
    "numbness, tingling or weakness."
)
PAIN_LIMIT = (
    "Effort and a mild stretch are fine; sharp pain, or pain that is worse the next "
    "morning, means stop and report it in the app."
)
KNEE_COMFORT = "Pad the knee on a folded towel if kneeling is uncomfortable."
ROLL_BESIDE_SPINE = (
    "Roll the muscles beside the spine only; never roll directly on the bony ridge down the "
    "middle of the back."
)
