"""Reads of one patient's days: a day's routine, day statuses, the adherence summary.

The routine of a day is read in one fixed SQL statement whatever the number of
programs, items and logs: the scheduling rule in its SQL form
(programs.scheduling.SCHEDULED_ON_SQL) filters the items, pauses included, and
each item carries its done count as a subquery. This is the endpoint the app opens
most, and compiling the equivalent queryset cost fifty times more than running it,
so the statement is raw and its rows are plain tuples built into dicts. On
PostgreSQL it is prepared once per connection (config.db): planning it cost the
server about four times what running it did. JSON
columns arrive as text on both PostgreSQL and SQLite (Django loads them itself
for models) and are decoded here, by orjson (four columns per item).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Min

from config.db import preparing_cursor
from patients.models import Patient
from patients.timezones import local_today
from programs.adherence import AdherenceRates, DayStatus, adherence_rates, day_statuses, streaks
from programs.models import Exercise, Program, ProgramItem
from programs.scheduling import DONE_COUNT_SQL, SCHEDULED_ON_SQL, scheduled_on_sql_params
from programs.suggestion_models import Suggestion

ROUTINE_SQL = f"""
SELECT
    item.id, item.program_id, program.name, item.times_per_day,
    item.sets, item.reps, item.hold_seconds, item.duration_seconds, item.side, item.notes,
    {DONE_COUNT_SQL},
    exercise.slug, exercise.name, exercise.category, exercise.instructions, exercise.cues,
    exercise.media_urls, exercise.equipment, exercise.laterality,
    suggestion.change, suggestion.evidence, suggestion.kind
FROM {ProgramItem._meta.db_table} item
JOIN {Program._meta.db_table} program ON program.id = item.program_id
JOIN {Exercise._meta.db_table} exercise ON exercise.id = item.exercise_id
LEFT JOIN {Suggestion._meta.db_table} suggestion ON suggestion.applied_item_id = item.id
    AND suggestion.status IN ('accepted', 'applied') AND item.valid_from >= %(change_since)s
WHERE program.patient_id = %(patient_id)s AND {SCHEDULED_ON_SQL}
ORDER BY program.start_date, item.program_id, item."order", item.id
"""  # noqa: S608 (table names from model metadata only)

# How long an item shows the accepted suggestion that made it ("what changed and why").
CHANGE_SHOWN_DAYS = 14
# The longest history the streaks look back on.
STREAK_HISTORY_DAYS = 400
PAIN_WINDOW_DAYS = 30


def patient_routine(*, patient: Patient, day: dt.date, today: dt.date) -> dict[str, Any]:
    """{date, complete, programs: [{id, name, items: [...]}]} for local date `day`.

    Only programs with something scheduled that day appear; items keep their
    order. `complete` is true when something is scheduled and every item has
    `times_per_day` completed logs (counted by the item's line, so logs made
    before a mid-day edit count for the edited line). An item written by an
    accepted progression suggestion carries `change` (what and why) for its first
    CHANGE_SHOWN_DAYS days.
    """
    params = {
        "patient_id": patient.pk,
        "change_since": day - dt.timedelta(days=CHANGE_SHOWN_DAYS - 1),
        **scheduled_on_sql_params(day, today),
    }
    # The connection itself, not django.db.connection's proxy, which looks the
    # thread's connection up again on every attribute read.
    with preparing_cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(ROUTINE_SQL, params)
        rows = cursor.fetchall()
    programs: dict[int, dict[str, Any]] = {}
    complete = True
    for (
        item_id,
        program_id,
        program_name,
        times_per_day,
        sets,
        reps,
        hold_seconds,
        duration_seconds,
        side,
        notes,
        done_count,
        slug,
        name,
        category,
        instructions,
        cues,
        media,
        equipment,
        laterality,
        change,
        evidence,
        change_kind,
    ) in rows:
        program = programs.get(program_id)
        if program is None:
            program = programs[program_id] = {"id": program_id, "name": program_name, "items": []}
        done = done_count >= times_per_day
        complete = complete and done
        program["items"].append(
            {
                "id": item_id,
                "exercise": {
                    "slug": slug,
                    "name": name,
                    "category": category,
                    "instructions": orjson.loads(instructions),
                    "cues": orjson.loads(cues),
                    "media": orjson.loads(media),
                    "equipment": orjson.loads(equipment),
                    "laterality": laterality,
                },
                "dose": {
                    "sets": sets,
                    "reps": reps,
                    "hold_seconds": hold_seconds,
                    "duration_seconds": duration_seconds,
                    "side": side,
                },
                "times_per_day": times_per_day,
                "notes": notes,
                "done_count": done_count,
                "done": done,
                "change": (
                    {"kind": change_kind, "what": change, "why": evidence}
                    if change is not None
                    else None
                ),
            }
        )
    return {
        "date": day.isoformat(),
        "complete": bool(programs) and complete,
        "programs": list(programs.values()),
    }


def patient_days(*, patient: Patient, start: dt.date, end: dt.date) -> list[DayStatus]:
    return day_statuses(patients=[patient], start=start, end=end)[patient.pk]


@dataclass(frozen=True)
class AdherenceSummary:
    rates_last_7_days: AdherenceRates
    rates_last_30_days: AdherenceRates
    current_streak: int
    longest_streak: int
    pain: list[dict[str, Any]]


def patient_adherence(*, patient: Patient, now: dt.datetime | None = None) -> AdherenceSummary:
    """Adherence rates over the last 7 and 30 local days (today counts once
    complete), streaks since the first program began (at most STREAK_HISTORY_DAYS
    back) and the daily pain average of the last 30 days."""
    today = local_today(patient.timezone, now)
    first_start = Program.objects.filter(patient=patient).aggregate(first=Min("start_date"))[
        "first"
    ]
    window_start = today - dt.timedelta(days=PAIN_WINDOW_DAYS - 1)
    start = window_start
    if first_start is not None:
        history_start = max(first_start, today - dt.timedelta(days=STREAK_HISTORY_DAYS - 1))
        start = min(start, history_start)
    days = day_statuses(patients=[patient], start=start, end=today, now=now)[patient.pk]
    current, longest = streaks(days, today)
    last_30 = [day for day in days if day.date >= window_start]
    return AdherenceSummary(
        rates_last_7_days=adherence_rates(last_30[-7:], today),
        rates_last_30_days=adherence_rates(last_30, today),
        current_streak=current,
        longest_streak=longest,
        pain=[
            {"date": day.date, "average": day.pain_average}
            for day in last_30
            if day.pain_average is not None
        ],
    )
