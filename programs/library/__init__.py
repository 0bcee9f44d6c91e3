"""The seeded global exercise library and starter protocols, as plain data.

`EXERCISES` and `PROTOCOLS` are what `load_library` (programs.library.loader) writes to
the database; `manage.py load_library` runs it.
"""

from programs.library import (
    exercises_core,
    exercises_habits,
    exercises_hip_extension,
    exercises_hips,
    exercises_mobility,
    exercises_stability,
)
from programs.library.protocols import PROTOCOLS

EXERCISES = [
    *exercises_core.EXERCISES,
    *exercises_stability.EXERCISES,
    *exercises_hip_extension.EXERCISES,
    *exercises_hips.EXERCISES,
    *exercises_mobility.EXERCISES,
    *exercises_habits.EXERCISES,
]

__all__ = ["EXERCISES", "PROTOCOLS"]
