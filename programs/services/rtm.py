"""Remote-therapeutic-monitoring tiers: the moment a patient's data days in a
30-day period reach 2 (the 2-15-day tier) and 16 (the 16-day tier).

Periods are consecutive 30-day blocks of the patient's local dates, counted from
the local date their record was created, so each period crosses each tier once.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q

from patients.models import Patient
from patients.timezones import local_today
from programs.models import ExerciseLog

PERIOD_DAYS = 30
TIERS = ((2, "2-15"), (16, "16+"))


def rtm_period(*, patient: Patient, day: dt.date) -> tuple[dt.date, dt.date]:
    """The 30-day period (first, last local date) that holds `day`."""
    anchor = local_today(patient.timezone, patient.created_at)
    start = anchor + dt.timedelta(days=((day - anchor).days // PERIOD_DAYS) * PERIOD_DAYS)
    return start, start + dt.timedelta(days=PERIOD_DAYS - 1)


def rtm_thresholds_check(*, patient: Patient, logs: Sequence[ExerciseLog]) -> list[dict]:
    """Call inside the transaction that just stored `logs`: the tiers a period
    crossed with them ([{tier, period_start, period_end, data_days}]), in one query.

    The caller holds the patient's row lock, so two uploads cannot both cross."""
    if not logs:
        return []
    periods = {rtm_period(patient=patient, day=log.date) for log in logs}
    first = min(start for start, _ in periods)
    last = max(end for _, end in periods)
    rows = (
        ExerciseLog.objects.filter(patient=patient, date__gte=first, date__lte=last)
        .values("date")
        .annotate(earlier=Count("pk", filter=~Q(pk__in=[log.pk for log in logs])))
        .values_list("date", "earlier")
        .order_by()
    )
    earlier_of = dict(rows)
    reached = []
    for start, end in sorted(periods):
        days = [day for day in earlier_of if start <= day <= end]
        now_count = len(days)
        before_count = sum(1 for day in days if earlier_of[day])
        for threshold, tier in TIERS:
            if before_count < threshold <= now_count:
                event = {
                    "tier": tier,
                    "period_start": start,
                    "period_end": end,
                    "data_days": now_count,
                }
                reached.append(event)
    return reached
