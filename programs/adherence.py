"""Per-day adherence for one or many patients, in a fixed number of queries.

Everything adherence-related (the patient's /me/days and /me/adherence, the
clinician's reports) is computed from `day_statuses`, which loads a patient set's
items (with their pauses) and per-day log tallies in two queries and applies the
rule of programs.scheduling in Python. The clinician's patient list, which needs
only the rates of a page of hundreds of patients, gets them from `recent_rates`:
the same rule in its SQL form, summed in the database, checked equal to the day
statuses' rates by tests/programs/test_adherence_sql.py.

Counts are occurrences: an item scheduled twice a day adds 2 to `scheduled`; a
line's `done` is capped at what was scheduled, so logging an exercise three times
does not make up for skipping another.

Rates over a window come from `adherence_rates` only, so every screen that shows a
number for the same days shows the same number: `days_complete_rate` (complete days
/ counted days) and `items_done_rate` (occurrences done / scheduled on those days).
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from django.db import connection
from django.db.models import Count, FilteredRelation, Q, Sum
from django.utils import timezone

from patients.timezones import local_today
from programs.models import ExerciseLog, Program, ProgramItem, weekday_bit
from programs.scheduling import scheduled_on_sql


class PatientRef(Protocol):
    """What the functions below read of a patient: a Patient, or a lighter row."""

    pk: int
    timezone: str


class DayStatus(NamedTuple):
    """One local date of one patient. A named tuple: the patient list builds
    thousands per page, and a frozen dataclass cost several times more to make."""

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


class _Schedule(NamedTuple):
    """The fields of a ProgramItem that item_scheduled_on reads: items of one program
    sharing them are scheduled on the same days, so the rule runs once for them all."""

    valid_from: dt.date
    valid_until: dt.date | None
    days_mask: int


class _Pause(NamedTuple):
    start: dt.date
    end: dt.date | None


@dataclass(slots=True)
class _Tally:
    """One patient's logs on one date."""

    done_by_line: dict[int, int]  # line number -> completed logs
    pain_sum: int = 0
    pain_count: int = 0

    @property
    def pain_average(self) -> float | None:
        return _pain_average(self.pain_sum, self.pain_count)


def _pain_average(pain_sum: int | None, pain_count: int) -> float | None:
    """A day's pain: the mean of the pain its logs reported, to one decimal."""
    return round(pain_sum / pain_count, 1) if pain_count else None


@dataclass
class _ScheduleLines:
    """The lines of one program that share a schedule."""

    schedule: _Schedule
    patient_id: int
    program_id: int
    program: _Program
    pauses: Sequence[_Pause] = ()
    lines: list[tuple[int, int]] = field(default_factory=list)  # (line number, times/day)
    times: int = 0  # occurrences of all its lines per day


Window = tuple[dt.date, dt.date]
ONE_DAY = dt.timedelta(days=1)


def date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def day_statuses(
    *, patients: Sequence[PatientRef], start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, list[DayStatus]]:
    """{patient id: [DayStatus for each local date start..end]} in two queries."""
    return _day_statuses(patients, {patient.pk: (start, end) for patient in patients}, now)


def recent_day_statuses(
    *, patients: Sequence[PatientRef], days: int, now: dt.datetime | None = None
) -> dict[int, list[DayStatus]]:
    """{patient id: [DayStatus of each of the patient's last `days` local dates, ending
    today in their own zone]} in two queries."""
    now = now or timezone.now()
    return _day_statuses(patients, _recent_windows(patients, days, now), now)


def recent_rates(
    *, patients: Sequence[PatientRef], days: int, now: dt.datetime | None = None
) -> dict[int, "AdherenceRates"]:
    """{patient id: adherence_rates over their last `days` local dates} in one query.

    The patient list asks this for a page of hundreds of patients, so the day-by-day
    work runs in the database: RECENT_TOTALS_SQL applies the scheduling rule in its
    SQL form (programs.scheduling.scheduled_on_sql) to each patient-day, caps each
    line's done at its times per day and sums the counted days exactly as
    adherence_rates does; only the four totals per patient come back, and the rates
    are made from them by the same `_rates_of_totals`. tests/programs/test_adherence_sql.py
    checks the result equals adherence_rates over day_statuses on the same data."""
    if not patients:
        return {}
    now = now or timezone.now()
    windows = _recent_windows(patients, days, now)
    adapt = connection.ops.adapt_datefield_value
    params: dict[str, object] = {"active": Program.Status.ACTIVE.value}
    members = []
    for n, (patient_id, (first, today)) in enumerate(windows.items()):
        params |= {f"p{n}": patient_id, f"f{n}": adapt(first), f"t{n}": adapt(today)}
        members.append(f"(%(p{n})s, %(f{n})s, %(t{n})s)")
    first = min(window[0] for window in windows.values())
    last = max(window[1] for window in windows.values())
    calendar = []
    for n, day in enumerate(date_range(first, last)):
        params |= {f"d{n}": adapt(day), f"b{n}": weekday_bit(day.isoweekday())}
        calendar.append(f"(%(d{n})s, %(b{n})s)")
    sql = RECENT_TOTALS_SQL.format(members=", ".join(members), calendar=", ".join(calendar))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # PostgreSQL sums integers as numeric: the totals are made ints again.
        totals = {row[0]: _rates_of_totals(*map(int, row[1:])) for row in cursor.fetchall()}
    return {patient_id: totals.get(patient_id, NO_RATES) for patient_id in windows}


_SCHEDULED_ON_CALENDAR_DAY = scheduled_on_sql(
    day="calendar.on_date",
    weekday_bit="calendar.weekday_bit",
    before_today="calendar.on_date < member.today",
)
# member: each patient's window (first local date, today); calendar: each date of
# all the windows with its weekday bit. A line is (program, key): logs of any version
# count for it, and its done is capped at its times per day. A day counts when
# something is scheduled and it is before today or complete (see AdherenceRates).
RECENT_TOTALS_SQL = f"""
WITH member (patient_id, first_day, today) AS (VALUES {{members}}),
calendar (on_date, weekday_bit) AS (VALUES {{calendar}}),
scheduled AS (
    SELECT member.patient_id, member.today, calendar.on_date,
           item.program_id, item.key, item.times_per_day
    FROM member
    JOIN calendar ON calendar.on_date >= member.first_day AND calendar.on_date <= member.today
    JOIN {Program._meta.db_table} program ON program.patient_id = member.patient_id
    JOIN {ProgramItem._meta.db_table} item ON item.program_id = program.id
    WHERE {_SCHEDULED_ON_CALENDAR_DAY}
),
done AS (
    SELECT log.patient_id, log.date AS on_date, line.program_id, line.key, COUNT(*) AS n
    FROM member
    JOIN {ExerciseLog._meta.db_table} log ON log.patient_id = member.patient_id
        AND log.date >= member.first_day AND log.date <= member.today AND log.completed
    JOIN {ProgramItem._meta.db_table} line ON line.id = log.item_id
    GROUP BY log.patient_id, log.date, line.program_id, line.key
),
per_day AS (
    SELECT scheduled.patient_id, scheduled.today, scheduled.on_date,
           SUM(scheduled.times_per_day) AS scheduled,
           SUM(CASE WHEN done.n IS NULL THEN 0
                    WHEN done.n < scheduled.times_per_day THEN done.n
                    ELSE scheduled.times_per_day END) AS done
    FROM scheduled
    LEFT JOIN done ON done.patient_id = scheduled.patient_id
        AND done.on_date = scheduled.on_date
        AND done.program_id = scheduled.program_id AND done.key = scheduled.key
    GROUP BY scheduled.patient_id, scheduled.today, scheduled.on_date
)
SELECT patient_id, COUNT(*), SUM(CASE WHEN done >= scheduled THEN 1 ELSE 0 END),
       SUM(scheduled), SUM(done)
FROM per_day
WHERE scheduled > 0 AND (on_date < today OR done >= scheduled)
GROUP BY patient_id
"""  # noqa: S608 (table names from model metadata only)


def recent_logged_days(
    *, patients: Sequence[PatientRef], days: int, now: dt.datetime | None = None
) -> dict[int, dict[dt.date, float | None]]:
    """{patient id: {each of their last `days` local dates with any log: its pain
    average}} in one query: what recent_day_statuses says of `logged` and
    `pain_average`, without the schedule (the patient list's data days and latest
    pain need only these)."""
    now = now or timezone.now()
    found: dict[int, dict[dt.date, float | None]] = {patient.pk: {} for patient in patients}
    if not patients:
        return found
    rows = (
        ExerciseLog.objects.filter(_in_windows(_recent_windows(patients, days, now)))
        .values_list("patient_id", "date")
        .annotate(pain_sum=Sum("pain"), pain_count=Count("pain"))
        .order_by()
    )
    for patient_id, day, pain_sum, pain_count in rows:
        found[patient_id][day] = _pain_average(pain_sum, pain_count)
    return found


def _in_windows(windows: dict[int, Window]) -> Q:
    """Logs of each patient within their own window."""
    ids_by_window: dict[Window, list[int]] = defaultdict(list)
    for patient_id, window in windows.items():
        ids_by_window[window].append(patient_id)
    in_windows = Q()
    for (start, end), ids in ids_by_window.items():
        in_windows |= Q(patient_id__in=ids, date__gte=start, date__lte=end)
    return in_windows


def _recent_windows(
    patients: Sequence[PatientRef], days: int, now: dt.datetime
) -> dict[int, Window]:
    windows = {}
    for patient in patients:
        today = local_today(patient.timezone, now)
        windows[patient.pk] = (today - dt.timedelta(days=days - 1), today)
    return windows


def _day_statuses(
    patients: Sequence[PatientRef], windows: dict[int, Window], now: dt.datetime | None
) -> dict[int, list[DayStatus]]:
    result = {}
    for patient_id, _, dates, scheduled, done, tally_of in _day_counts(patients, windows, now):
        statuses = []
        for index, day in enumerate(dates):
            tally = tally_of.get(day)
            if tally is None:
                statuses.append(DayStatus(day, scheduled[index], done[index], None, False))
            else:
                pain = tally.pain_average
                statuses.append(DayStatus(day, scheduled[index], done[index], pain, True))
        result[patient_id] = statuses
    return result


def _day_counts(
    patients: Sequence[PatientRef], windows: dict[int, Window], now: dt.datetime | None
) -> Iterator[tuple[int, dt.date, list[dt.date], list[int], list[int], dict[dt.date, _Tally]]]:
    """(patient id, their today, the dates of their window, scheduled and done on each,
    {date: logs tallied}) per patient, from two queries.

    Rows are read as tuples, not model instances: the clinician's patient list asks
    for hundreds of patients per page, and building models dominated its cost."""
    if not patients:
        return
    now = now or timezone.now()
    ids = [patient.pk for patient in patients]
    start = min(window[0] for window in windows.values())
    end = max(window[1] for window in windows.values())
    schedules_of, line_of_item = _schedules(ids, start, end)
    tallies = _log_tallies(windows, line_of_item)
    dates_of: dict[Window, list[dt.date]] = {}  # patients of one zone share a window
    no_logs: dict[dt.date, _Tally] = {}

    for patient in patients:
        patient_id = patient.pk
        window = windows[patient_id]
        dates = dates_of.get(window)
        if dates is None:
            dates = dates_of[window] = list(date_range(*window))
        today = local_today(patient.timezone, now)
        scheduled = [0] * len(dates)
        done = [0] * len(dates)
        tally_of = tallies.get(patient_id, no_logs)
        for entry in schedules_of.get(patient_id, ()):
            for index in scheduled_offsets(entry, dates[0], len(dates), today):
                scheduled[index] += entry.times
                tally = tally_of.get(dates[index])
                if tally is not None:
                    done_by_line = tally.done_by_line
                    for line, times in entry.lines:
                        done[index] += min(times, done_by_line.get(line, 0))
        yield patient_id, today, dates, scheduled, done, tally_of


def scheduled_offsets(
    entry: "_ScheduleLines", first: dt.date, count: int, today: dt.date
) -> list[int]:
    """The offsets i in 0..count-1 for which item_scheduled_on holds on first + i, for
    the lines of `entry`: the same rule, worked out for a run of dates at once (the
    patient list asks it for thousands of patient-days per page).
    tests/programs/test_adherence.py checks the two agree."""
    schedule, program = entry.schedule, entry.program
    latest = program.end_date
    if schedule.valid_until is not None:
        last_valid = schedule.valid_until - ONE_DAY
        latest = last_valid if latest is None else min(latest, last_valid)
    if program.status != Program.Status.ACTIVE:
        before_today = today - ONE_DAY
        latest = before_today if latest is None else min(latest, before_today)
    lo = max(0, (max(program.start_date, schedule.valid_from) - first).days)
    hi = count - 1 if latest is None else min(count - 1, (latest - first).days)
    mask, weekday = schedule.days_mask, first.weekday()  # weekday 0 is bit 0 (Monday)
    offsets = [index for index in range(lo, hi + 1) if mask >> ((weekday + index) % 7) & 1]
    if entry.pauses:
        offsets = [
            index
            for index in offsets
            if not any(
                pause.start <= first + dt.timedelta(days=index)
                and (pause.end is None or first + dt.timedelta(days=index) < pause.end)
                for pause in entry.pauses
            )
        ]
    return offsets


def _schedules(
    ids: Sequence[int], start: dt.date, end: dt.date
) -> tuple[dict[int, list[_ScheduleLines]], dict[int, int]]:
    """({patient id: their items in force in start..end, grouped by schedule},
    {item id: line number}) in one query.

    Every version of the lines of the programs in force is read, so a log counts for
    its line (program, key) even when it names a version retired before the window
    (a log made before a mid-day edit, or synced late). The program's pauses that
    touch the window come joined to its rows (an item appears once per such pause):
    few programs have any, and a query of their own was one more round trip per page."""
    by_schedule: dict[tuple, _ScheduleLines] = {}
    line_numbers: dict[tuple[int, uuid.UUID], int] = {}
    line_of_item: dict[int, int] = {}
    programs: dict[int, _Program] = {}
    pauses: dict[int, set[_Pause]] = defaultdict(set)
    in_window = Q(program__pauses__start__lte=end) & (
        Q(program__pauses__end__isnull=True) | Q(program__pauses__end__gt=start)
    )
    rows = (
        ProgramItem.objects.filter(program__patient_id__in=ids, program__start_date__lte=end)
        .filter(Q(program__end_date__isnull=True) | Q(program__end_date__gte=start))
        .annotate(pause=FilteredRelation("program__pauses", condition=in_window))
        .values_list(
            "program__patient_id",
            "program_id",
            "program__start_date",
            "program__end_date",
            "program__status",
            "id",
            "key",
            "times_per_day",
            "valid_from",
            "valid_until",
            "days_mask",
            "pause__start",
            "pause__end",
        )
        .order_by()
    )
    for row in rows:
        patient_id, program_id, starts, ends, status, item_id, key, times, *schedule = row
        valid_from, valid_until, days_mask, pause_start, pause_end = schedule
        if pause_start is not None:
            pauses[program_id].add(_Pause(pause_start, pause_end))
        if item_id in line_of_item:
            continue  # the same item again, joined to another pause
        line = line_numbers.setdefault((program_id, key), len(line_numbers))
        line_of_item[item_id] = line
        if valid_from > end or (valid_until is not None and valid_until <= start):
            continue  # not in force in the window
        schedule_key = (program_id, valid_from, valid_until, days_mask)
        entry = by_schedule.get(schedule_key)
        if entry is None:
            program = programs.get(program_id)
            if program is None:
                program = programs[program_id] = _Program(starts, ends, status)
            entry = by_schedule[schedule_key] = _ScheduleLines(
                _Schedule(valid_from, valid_until, days_mask), patient_id, program_id, program
            )
        entry.lines.append((line, times))
        entry.times += times

    schedules_of: dict[int, list[_ScheduleLines]] = defaultdict(list)
    for entry in by_schedule.values():
        entry.pauses = tuple(pauses.get(entry.program_id, ()))
        schedules_of[entry.patient_id].append(entry)
    return schedules_of, line_of_item


def _log_tallies(
    windows: dict[int, Window], line_of_item: dict[int, int]
) -> dict[int, dict[dt.date, _Tally]]:
    """{patient id: {date: its logs tallied}} for every day with logs in each patient's
    own window: one query.

    The logs are read as plain tuples and counted here: a window holds a few logs per
    line and day, and grouping them in SQL cost more than it saved."""
    tallies: dict[int, dict[dt.date, _Tally]] = defaultdict(dict)
    for patient_id, day, item_id, completed, pain in (
        ExerciseLog.objects.filter(_in_windows(windows))
        .values_list("patient_id", "date", "item_id", "completed", "pain")
        .order_by()
    ):
        of_patient = tallies[patient_id]
        tally = of_patient.get(day)
        if tally is None:
            tally = of_patient[day] = _Tally({})
        if completed:
            line = line_of_item.get(item_id)
            if line is not None:  # else its program is not in force in the window
                tally.done_by_line[line] = tally.done_by_line.get(line, 0) + 1
        if pain is not None:
            tally.pain_sum += pain
            tally.pain_count += 1
    return tallies


@dataclass(frozen=True, slots=True)
class AdherenceRates:
    """The two adherence rates of a window of days, in percent (0-100), None when no
    day of the window counts. Both count the same days: scheduled days before today,
    and today once it is complete (a day still in progress has not been missed).

    - `days_complete_rate`: complete days / counted days;
    - `items_done_rate`: occurrences done / occurrences scheduled on the counted days
      (each line's done capped at what was scheduled).
    """

    days_complete_rate: float | None
    items_done_rate: float | None


NO_RATES = AdherenceRates(None, None)


def adherence_rates(days: Sequence[DayStatus], today: dt.date) -> AdherenceRates:
    """The one definition of adherence, used by every endpoint and page: see
    AdherenceRates."""
    return _rates(((day.date, day.scheduled, day.done) for day in days), today)


def _rates(days: Iterable[tuple[dt.date, int, int]], today: dt.date) -> AdherenceRates:
    """adherence_rates over (date, scheduled, done) triples."""
    counted = complete = scheduled_sum = done_sum = 0
    for day, scheduled, done in days:
        if scheduled and (day < today or done >= scheduled):  # a counted day
            counted += 1
            scheduled_sum += scheduled
            done_sum += done
            complete += done >= scheduled
    return _rates_of_totals(counted, complete, scheduled_sum, done_sum)


def _rates_of_totals(
    counted: int, complete: int, scheduled_sum: int, done_sum: int
) -> AdherenceRates:
    """The rates of a window from its counted days, complete days and the occurrences
    scheduled and done on the counted days."""
    if not counted:
        return NO_RATES
    return AdherenceRates(
        round(100 * complete / counted, 1), round(100 * done_sum / scheduled_sum, 1)
    )


def completion_rate(days: Sequence[DayStatus], today: dt.date) -> float | None:
    """The days-complete rate of `days` (see adherence_rates)."""
    return adherence_rates(days, today).days_complete_rate


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
