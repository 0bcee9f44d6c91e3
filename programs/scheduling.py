"""What is scheduled on a local date, and when a date's work is complete.

One rule, in two forms that must agree: a Python predicate for views that already
hold the rows (today, days, reports) and a queryset filter for set-based work over
many patients (reminder planning, alert passes).

An item is scheduled on local date D when
- D lies within the program's start and end dates,
- D lies within the item row's validity [valid_from, valid_until),
- D's ISO weekday is in the item's days of week,
- no pause of the program covers D, and
- for today and later dates, the program is active (a completed program keeps
  its history but schedules nothing more).

D's work is complete when every scheduled item has at least `times_per_day`
completed logs on D. Logs count by the item's `key`, so a log made before a
mid-day edit of the dose still counts for the edited line.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from programs.models import ExerciseLog, Program, ProgramItem, ProgramPause, weekday_bit


def item_scheduled_on(
    item: ProgramItem,
    program: Program,
    pauses: Iterable[ProgramPause],
    day: dt.date,
    today: dt.date,
) -> bool:
    if day < program.start_date or (program.end_date is not None and day > program.end_date):
        return False
    if day < item.valid_from or (item.valid_until is not None and day >= item.valid_until):
        return False
    if not item.days_mask & weekday_bit(day.isoweekday()):
        return False
    if day >= today and program.status != Program.Status.ACTIVE:
        return False
    return not any(
        pause.start <= day and (pause.end is None or day < pause.end) for pause in pauses
    )


def line_unscheduled_reason(
    rows: Iterable[ProgramItem],
    program: Program,
    pauses: Iterable[ProgramPause],
    day: dt.date,
    today: dt.date,
) -> str | None:
    """Why no row of one line (the rows sharing a key) is scheduled on `day`, or None
    when one is. Logs count by line, so a log made for any row of it counts."""
    rows, pauses = list(rows), list(pauses)
    if any(item_scheduled_on(row, program, pauses, day, today) for row in rows):
        return None
    if day < program.start_date:
        return f"The program starts on {program.start_date.isoformat()}; nothing is due before."
    if program.end_date is not None and day > program.end_date:
        return f"The program ended on {program.end_date.isoformat()}; nothing is due after."
    if day >= today and program.status != Program.Status.ACTIVE:
        return f"The program is {program.get_status_display().lower()}; nothing is due now."
    if any(pause.start <= day and (pause.end is None or day < pause.end) for pause in pauses):
        return "The program is paused on this day; nothing is due."
    in_force = [
        row
        for row in rows
        if row.valid_from <= day and (row.valid_until is None or day < row.valid_until)
    ]
    if not in_force:
        return "This exercise was not in the program on this day."
    return f"This exercise is not scheduled on {day.strftime('%A')}s."


def scheduled_on_q(day: dt.date, today: dt.date, prefix: str = "") -> Q:
    """A filter on ProgramItem (or, with prefix='items__' etc., a related model)."""
    p = prefix
    bit = weekday_bit(day.isoweekday())
    q = (
        Q(**{f"{p}program__start_date__lte": day})
        & (Q(**{f"{p}program__end_date__isnull": True}) | Q(**{f"{p}program__end_date__gte": day}))
        & Q(**{f"{p}valid_from__lte": day})
        & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gt": day}))
        & Q(**{f"{p}days_mask__in": masks_with_bit(bit)})
    )
    if day >= today:
        q &= Q(**{f"{p}program__status": Program.Status.ACTIVE})
    return q


def masks_with_bit(bit: int) -> list[int]:
    """Every 7-bit mask containing `bit`: an `IN` list portable to SQLite and PostgreSQL
    and able to use an index, unlike a bitwise AND expression."""
    return [mask for mask in range(1, 128) if mask & bit]


def not_paused_on(day: dt.date, program_ref: str = "program") -> Exists:
    """No pause of the outer row's program covers `day`; `program_ref` names the
    outer field holding the program ("pk" when the outer row is the Program)."""
    return ~Exists(
        ProgramPause.objects.filter(program=OuterRef(program_ref), start__lte=day).filter(
            Q(end__isnull=True) | Q(end__gt=day)
        )
    )


def scheduled_items(day: dt.date, today: dt.date) -> QuerySet[ProgramItem]:
    return ProgramItem.objects.filter(scheduled_on_q(day, today)).filter(not_paused_on(day))


def done_count_subquery(day: dt.date) -> Coalesce:
    """Completed logs on `day` for the outer ProgramItem's line (its key)."""
    logs = (
        ExerciseLog.objects.filter(
            item__key=OuterRef("key"), item__program=OuterRef("program"), date=day, completed=True
        )
        .order_by()
        .values("item__key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(logs, output_field=IntegerField()), Value(0))


def unfinished_items(day: dt.date, today: dt.date) -> QuerySet[ProgramItem]:
    """Items scheduled on `day` that still need a log: the work a reminder is for."""
    return (
        scheduled_items(day, today)
        .annotate(done_count=done_count_subquery(day))
        .filter(done_count__lt=F("times_per_day"))
    )


def has_unfinished_work(day: dt.date, today: dt.date, patient_ref: str = "pk") -> Exists:
    """For a Patient queryset: D has scheduled work not yet complete."""
    return Exists(unfinished_items(day, today).filter(program__patient=OuterRef(patient_ref)))


def has_scheduled_work(day: dt.date, today: dt.date, patient_ref: str = "pk") -> Exists:
    return Exists(scheduled_items(day, today).filter(program__patient=OuterRef(patient_ref)))


def scheduled_on_sql(*, day: str, weekday_bit: str, before_today: str) -> str:
    """The rule as one SQL condition on `item` (ProgramItem) and `program` (Program),
    for raw statements where compiling the querysets above costs more than running
    them. It mirrors item_scheduled_on line by line; tests/programs/test_scheduling_sql.py
    and tests/programs/test_adherence_sql.py check the two agree. The arguments are SQL
    expressions (parameters or columns) for the local date, its weekday bit and
    whether it is before today; `%(active)s` is Program.Status.ACTIVE. Portable to
    PostgreSQL and SQLite."""
    return f"""
    program.start_date <= {day}
    AND (program.end_date IS NULL OR program.end_date >= {day})
    AND item.valid_from <= {day}
    AND (item.valid_until IS NULL OR item.valid_until > {day})
    AND (item.days_mask & {weekday_bit}) <> 0
    AND ({before_today} OR program.status = %(active)s)
    AND NOT EXISTS (
        SELECT 1 FROM {ProgramPause._meta.db_table} pause
        WHERE pause.program_id = program.id AND pause."start" <= {day}
            AND (pause."end" IS NULL OR pause."end" > {day})
    )
"""  # noqa: S608 (table names from model metadata only)


# For one day given as parameters (scheduled_on_sql_params): the hottest read path,
# GET /me/today.
SCHEDULED_ON_SQL = scheduled_on_sql(
    day="%(day)s", weekday_bit="%(weekday_bit)s", before_today="%(before_today)s"
)

# Completed logs on %(day)s of the outer `item`'s line (its key), as done_count_subquery.
DONE_COUNT_SQL = f"""(
    SELECT COUNT(*) FROM {ExerciseLog._meta.db_table} log
    JOIN {ProgramItem._meta.db_table} line ON line.id = log.item_id
    WHERE line.program_id = item.program_id AND line.key = item.key
        AND log.date = %(day)s AND log.completed
)"""  # noqa: S608 (table names from model metadata only)


def scheduled_on_sql_params(day: dt.date, today: dt.date) -> dict[str, object]:
    return {
        "day": day,
        "weekday_bit": weekday_bit(day.isoweekday()),
        "before_today": day < today,
        "active": Program.Status.ACTIVE.value,
    }
