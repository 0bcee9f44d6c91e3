"""Check-ins for the demo patients (programs.demo): the pain rating weekly and the
activities fortnightly from their program's start, answered a few hours after each
fell due, so the outcome screens have a trend and an MCID verdict to show. Maya
("steady") improves past the MCID on both; Tom ("flare") improves, then his flare
shows on the latest pain rating; Lucia ("stopped") answered until she stopped
logging and left the latest ones open."""

import datetime as dt

from django.utils import timezone

from patients.models import Patient
from patients.timezones import first_instant_at
from programs.models import Program
from programs.outcomes.measures import Measure, answers_clean, due_dates
from programs.outcomes.models import CheckIn

ANSWERED_AFTER = dt.timedelta(hours=3)
ACTIVITIES = {
    "steady": ["Sitting through a work meeting", "Lifting my toddler", "Gardening"],
    "flare": ["Running 10 km", "Getting out of the car", "Putting on socks"],
    "stopped": ["Surfing", "Sleeping through the night", "Vacuuming"],
}
# NPRS (now, least, worst) and PSFS ratings of each check-in in turn (the last is
# repeated if a program has more).
NPRS = {
    "steady": [(6, 4, 8), (5, 3, 7), (4, 2, 6), (3, 2, 5), (2, 1, 4)],
    "flare": [(5, 3, 7), (4, 2, 6), (3, 2, 5), (3, 1, 5), (7, 3, 8)],
    "stopped": [(5, 3, 7), (5, 3, 6), (4, 3, 6), (4, 3, 6), (4, 3, 6)],
}
PSFS = {
    "steady": [(3, 4, 2), (5, 5, 4), (7, 6, 6)],
    "flare": [(2, 5, 4), (4, 6, 5), (5, 6, 5)],
    "stopped": [(4, 3, 5), (5, 4, 5), (5, 4, 5)],
}


def _answers(measure: str, history: str, n: int) -> dict:
    if measure == Measure.NPRS:
        rows = NPRS[history]
        return dict(zip(("current", "best", "worst"), rows[min(n, len(rows) - 1)], strict=True))
    rows = PSFS[history]
    scores = rows[min(n, len(rows) - 1)]
    if n == 0:
        names = ACTIVITIES[history]
        return {"activities": [{"name": a, "score": s} for a, s in zip(names, scores, strict=True)]}
    return {"scores": list(scores)}


def demo_checkins(
    *, patient: Patient, program: Program, history: str, today: dt.date, answered_until: dt.date
) -> list[CheckIn]:
    """The program's NPRS and PSFS check-ins due before `today`; those due on or
    before `answered_until` answered."""
    now = timezone.now()
    rows = []
    for measure in (Measure.NPRS, Measure.PSFS):
        days = due_dates(
            measure,
            start=program.start_date,
            end=program.end_date,
            through=today - dt.timedelta(days=1),
        )
        for n, day in enumerate(days):
            due_at = first_instant_at(day, patient.reminder_time, patient.timezone)
            checkin = CheckIn(
                patient=patient, program=program, measure=measure, due_date=day, due_at=due_at
            )
            if day <= answered_until:
                rerated = measure == Measure.PSFS and n > 0
                clean = answers_clean(
                    measure,
                    _answers(measure, history, n),
                    activities=ACTIVITIES[history] if rerated else None,
                )
                checkin.answers, checkin.score = clean.answers, clean.score
                checkin.answered_at = min(due_at + ANSWERED_AFTER, now)
            rows.append(checkin)
    return CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
