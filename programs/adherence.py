"""Per-day adherence for one or many patients, in a fixed number of queries.

Everything adherence-related (the patient's /me/days and /me/adherence, the
clinician's patient list and reports) is computed from `day_statuses`, which
loads a patient set's items, pauses and per-day log tallies in three queries and
applies the rule of programs.scheduling in Python.

Counts are occurrences: an item scheduled twice a day adds 2 to `scheduled`; a
line's `done` is capped at what was scheduled, so logging an exercise three times
does not make up for skipping another.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from patients.models import Patient
from patients.timezones import local_today
from programs.models import ExerciseLog, ProgramItem, ProgramPause
from programs.scheduling import item_scheduled_on


@dataclass(frozen=True)
class DayStatus:
    date: dt.date
    scheduled: int
    done: int
    pain_average: float | None
    logged: bool  # any log at all that day: a "data day" for remote monitoring

    @property
    def complete(self) -> bool:
        return self.scheduled > 0 and self.done >= self.scheduled


@dataclass
class _Tally:
    done_by_line: dict = field(default_factory=lambda: defaultdict(int))
    pain_sum: int = 0
    pain_count: int = 0
    logged: bool = False


def date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def day_statuses(
    *, patients: Sequence[Patient], start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, list[DayStatus]]:
    """{patient id: [DayStatus for each local date start..end]} in three queries."""
    ids = [patient.pk for patient in patients]
    today_of = {patient.pk: local_today(patient.timezone, now) for patient in patients}
    items = list(
        ProgramItem.objects.filter(
            program__patient_id__in=ids, valid_from__lte=end, program__start_date__lte=end
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .filter(Q(program__end_date__isnull=True) | Q(program__end_date__gte=start))
        .select_related("program")
        .only(
            "id",
            "key",
            "days_mask",
            "times_per_day",
            "valid_from",
            "valid_until",
            "program_id",
            "program__patient_id",
            "program__start_date",
            "program__end_date",
            "program__status",
        )
    )
    pauses = defaultdict(list)
    for pause in ProgramPause.objects.filter(
        program_id__in={item.program_id for item in items}, start__lte=end
    ).filter(Q(end__isnull=True) | Q(end__gt=start)):
        pauses[pause.program_id].append(pause)
    tallies: dict[tuple[int, dt.date], _Tally] = defaultdict(_Tally)
    rows = (
        ExerciseLog.objects.filter(patient_id__in=ids, date__gte=start, date__lte=end)
        .values("patient_id", "date", "item__program_id", "item__key")
        .annotate(
            done=Count("pk", filter=Q(completed=True)),
            pain_sum=Sum("pain"),
            pain_count=Count("pain"),
        )
        .order_by()
    )
    for row in rows:
        tally = tallies[(row["patient_id"], row["date"])]
        tally.done_by_line[(row["item__program_id"], row["item__key"])] += row["done"]
        tally.pain_sum += row["pain_sum"] or 0
        tally.pain_count += row["pain_count"]
        tally.logged = True

    items_of = defaultdict(list)
    for item in items:
        items_of[item.program.patient_id].append(item)
    result = {}
    for patient_id in ids:
        days = []
        for day in date_range(start, end):
            tally = tallies.get((patient_id, day)) or _Tally()
            scheduled = done = 0
            for item in items_of[patient_id]:
                if item_scheduled_on(
                    item, item.program, pauses[item.program_id], day, today_of[patient_id]
                ):
                    scheduled += item.times_per_day
                    done += min(
                        item.times_per_day, tally.done_by_line.get((item.program_id, item.key), 0)
                    )
            pain = round(tally.pain_sum / tally.pain_count, 1) if tally.pain_count else None
            days.append(DayStatus(day, scheduled, done, pain, tally.logged))
        result[patient_id] = days
    return result


def completion_rate(days: Sequence[DayStatus], today: dt.date) -> float | None:
    """Complete scheduled days / scheduled days, in percent, over `days` (which
    end today): days before today count as they are; today counts only once it is
    complete, because a day still in progress has not been missed. None when
    nothing was scheduled."""
    counted = [day for day in days if day.scheduled and (day.date < today or day.complete)]
    if not counted:
        return None
    return round(100 * sum(day.complete for day in counted) / len(counted), 1)


def streaks(days: Sequence[DayStatus], today: dt.date) -> tuple[int, int]:
    """(current, longest) runs of complete scheduled days; unscheduled days neither
    break nor extend a run, and today breaks nothing while it is in progress."""
    current = longest = run = 0
    for day in days:
        if not day.scheduled or (day.date == today and not day.complete):
            continue
        run = run + 1 if day.complete else 0
        longest = max(longest, run)
    current = run
    return current, longest
