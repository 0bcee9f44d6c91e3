"""The check-ins a reminder mentions: due on its local date and not yet answered.

A check-in falls due at the patient's reminder time (planning.py), so the day's
reminder is where the patient hears of it: the reminders' planner counts a due
check-in as work left for the day (a day with nothing else to do still gets its
one reminder per channel, a day with both gets one reminder that mentions the
check-in), and the last check before sending reads it again. Both read it here.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from programs.models import Program
from programs.outcomes.models import CheckIn
from programs.scheduling import not_paused_on

# Still running on the day: a GROC falls due on the last day of a program completed then.
RUNNING = (Program.Status.ACTIVE, Program.Status.COMPLETED)


def checkins_to_mention(day: dt.date) -> QuerySet[CheckIn]:
    """Unanswered check-ins due on local date `day` whose program still runs and is
    not paused that day (a pause begun after the check-in was written silences it)."""
    return CheckIn.objects.filter(
        due_date=day, answered_at__isnull=True, program__status__in=RUNNING
    ).filter(not_paused_on(day))


def has_checkin_due(day: dt.date, patient_ref: str = "pk") -> Exists:
    """For a Patient queryset: a check-in to mention on `day`."""
    return Exists(checkins_to_mention(day).filter(patient=OuterRef(patient_ref)))


def checkins_due_by_patient(*, patient_ids: list[int], day: dt.date) -> dict[int, int]:
    """{patient id: the check-in a reminder for `day` links to}, in one query (the
    first by measure when two fall due together; the app lists the others)."""
    rows = (
        checkins_to_mention(day)
        .filter(patient_id__in=patient_ids)
        .order_by("patient_id", "measure", "pk")
        .values_list("patient_id", "pk")
    )
    first: dict[int, int] = {}
    for patient_id, checkin_id in rows:
        first.setdefault(patient_id, checkin_id)
    return first
