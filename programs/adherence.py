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
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Q, Sum
from django.utils import timezone

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


class _Program(NamedTuple):
    """The fields of a Program that programs.scheduling.item_scheduled_on reads."""

    start_date: dt.date
    end_date: dt.date | None
    status: str


class _Item(NamedTuple):
    """The fields of a ProgramItem that item_scheduled_on reads, plus its line."""

    valid_from: dt.date
    valid_until: dt.date | None
    days_mask: int
    times_per_day: int
    program_id: int
    key: uuid.UUID


class _Pause(NamedTuple):
    start: dt.date
    end: dt.date | None


def date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def day_statuses(
    *, patients: Sequence[Patient], start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, list[DayStatus]]:
    """{patient id: [DayStatus for each local date start..end]} in three queries.

    Rows are read as tuples, not model instances: the clinician's patient list asks
    for hundreds of patients per page, and building models dominated its cost.
    """
    ids = [patient.pk for patient in patients]
    now = now or timezone.now()
    today_of = {patient.pk: local_today(patient.timezone, now) for patient in patients}
    programs: dict[int, _Program] = {}
    items_of: dict[int, list[tuple[_Item, _Program]]] = defaultdict(list)
    for (
        patient_id,
        program_id,
        start_date,
        end_date,
        status,
        valid_from,
        valid_until,
        days_mask,
        times_per_day,
        key,
    ) in (
        ProgramItem.objects.filter(
            program__patient_id__in=ids, valid_from__lte=end, program__start_date__lte=end
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .filter(Q(program__end_date__isnull=True) | Q(program__end_date__gte=start))
        .values_list(
            "program__patient_id",
            "program_id",
            "program__start_date",
            "program__end_date",
            "program__status",
            "valid_from",
            "valid_until",
            "days_mask",
            "times_per_day",
            "key",
        )
        .order_by()
    ):
        program = programs.get(program_id)
        if program is None:
            program = programs[program_id] = _Program(start_date, end_date, status)
        item = _Item(valid_from, valid_until, days_mask, times_per_day, program_id, key)
        items_of[patient_id].append((item, program))
    pauses: dict[int, list[_Pause]] = defaultdict(list)
    for program_id, pause_start, pause_end in (
        ProgramPause.objects.filter(program_id__in=programs, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gt=start))
        .values_list("program_id", "start", "end")
        .order_by()
    ):
        pauses[program_id].append(_Pause(pause_start, pause_end))
    done_of: dict[tuple, int] = {}  # (patient id, date, program id, key) -> completed logs
    pain_of: dict[tuple[int, dt.date], tuple[int, int]] = {}  # (patient id, date) -> sum, n
    for patient_id, day, program_id, key, done, pain_sum, pain_count in (
        ExerciseLog.objects.filter(patient_id__in=ids, date__gte=start, date__lte=end)
        .values_list("patient_id", "date", "item__program_id", "item__key")
        .annotate(
            done=Count("pk", filter=Q(completed=True)),
            pain_sum=Sum("pain"),
            pain_count=Count("pain"),
        )
        .order_by()
    ):
        done_of[(patient_id, day, program_id, key)] = done
        total, count = pain_of.get((patient_id, day), (0, 0))
        pain_of[(patient_id, day)] = (total + (pain_sum or 0), count + pain_count)

    days = list(date_range(start, end))
    result = {}
    for patient_id in ids:
        today = today_of[patient_id]
        lines = [
            (item, program, pauses.get(item.program_id, ()))
            for item, program in items_of.get(patient_id, ())
        ]
        statuses = []
        for day in days:
            scheduled = done = 0
            for item, program, program_pauses in lines:
                if item_scheduled_on(item, program, program_pauses, day, today):
                    times = item.times_per_day
                    scheduled += times
                    done += min(times, done_of.get((patient_id, day, item.program_id, item.key), 0))
            pain = pain_of.get((patient_id, day))
            statuses.append(
                DayStatus(
                    day,
                    scheduled,
                    done,
                    round(pain[0] / pain[1], 1) if pain and pain[1] else None,
                    pain is not None,
                )
            )
        result[patient_id] = statuses
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
