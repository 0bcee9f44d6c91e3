"""The program design guard: warn, never block, when a program asks for more
exercises on one day than the clinic's limit (Clinic.daily_exercise_limit).

Fewer exercises a day go with better adherence (studies link 2-4 to it), so a
long daily list is worth a second look; the clinician may still save it."""

from collections.abc import Iterable

from programs.models import WEEKDAYS, weekday_bit

DAY_NAMES = {
    1: "Mondays",
    2: "Tuesdays",
    3: "Wednesdays",
    4: "Thursdays",
    5: "Fridays",
    6: "Saturdays",
    7: "Sundays",
}


def program_warnings(*, items: Iterable, limit: int) -> list[dict]:
    """[{code, message, limit, count}] for the current lines of one program.

    A line counts once on each weekday it is scheduled, whatever its times a day."""
    masks = [item.days_mask for item in items]
    per_day = {day: sum(1 for mask in masks if mask & weekday_bit(day)) for day in WEEKDAYS}
    busiest = max(per_day.values(), default=0)
    if busiest <= limit:
        return []
    days = [day for day, count in per_day.items() if count == busiest]
    when = "every day" if len(days) == 7 else "on " + ", ".join(DAY_NAMES[d] for d in days)
    return [
        {
            "code": "too_many_daily_exercises",
            "message": f"{busiest} exercises {when}; this clinic suggests at most {limit} "
            "a day (fewer exercises a day go with better adherence).",
            "limit": limit,
            "count": busiest,
        }
    ]
