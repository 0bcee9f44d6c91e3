"""Writes on a patient's programs: assign, edit (versioned), pause, resume, complete.

Versioning: ProgramItem rows are never changed except to retire them. Editing the
items of a program compares each line (by its `key`) with what the clinician
sent: an unchanged line keeps its row; a changed line's row is retired
(valid_until = the patient's local today) and a new row with the same key starts
that day with version = the program's new version; a line left out is retired; a
line without a key is new and gets a new key. The program's version goes up only
when some line changed, so every log keeps pointing at the row that was
prescribed when it was done, and logs count towards a day by key.

Lines are plain dicts (see LINE_FIELDS) with `exercise` already resolved to an
Exercise the clinic may use; the API layer checks ownership.
"""

import datetime as dt
import uuid

from django.db import transaction

from patients.models import Patient
from patients.timezones import local_today
from programs.models import (
    EVERY_DAY,
    PRESCRIPTION_LINE_FIELDS,
    ExerciseLog,
    Laterality,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramTemplate,
    Side,
    TemplatePhase,
)
from programs.selectors.today_cache import today_cache_bump
from programs.signals import program_assigned, program_updated

LINE_FIELDS = ("exercise", *PRESCRIPTION_LINE_FIELDS)
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "duration_seconds")


class ItemsInvalid(Exception):
    """Some lines cannot be written; `errors` is keyed like the request's `items`."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class ProgramStateError(Exception):
    """The status change or edit is not possible in the program's current status."""


class PauseStartInvalid(Exception):
    """A pause cannot start on the date asked for; the message says why."""


def _line_of(row) -> dict:
    return {name: getattr(row, name) for name in LINE_FIELDS}


def _new_line(given: dict, next_order: int) -> dict:
    """A line from scratch: dose defaults from the exercise when no dose is given."""
    exercise = given["exercise"]
    line = {
        "exercise": exercise,
        "order": next_order,
        "side": Side.EACH if exercise.laterality == Laterality.EACH_SIDE else Side.BOTH,
        "days_mask": EVERY_DAY,
        "times_per_day": 1,
        "notes": "",
        "sets": None,
        "reps": None,
        "hold_seconds": None,
        "duration_seconds": None,
    }
    if not any(given.get(name) is not None for name in DOSE_FIELDS):
        for name in DOSE_FIELDS:
            line[name] = getattr(exercise, f"default_{name}")
    line.update({k: v for k, v in given.items() if k in LINE_FIELDS})
    return line


def _check_orders(lines: list[tuple[int | None, dict]], errors: dict) -> None:
    """Each order once; the error is reported on the request index that repeats it."""
    seen: set[int] = set()
    for index, line in lines:
        if line["order"] in seen:
            target = errors.setdefault(index if index is not None else "non_field_errors", {})
            if isinstance(target, dict):
                target.setdefault("order", []).append(
                    f"Order {line['order']} is used by another line."
                )
        seen.add(line["order"])


def program_lines(*, template: ProgramTemplate | None, items: list[dict]) -> list[dict]:
    """The lines of a new program: the template's, overridden by `items`.

    An item whose `order` matches a template line overrides the fields it gives
    (exercise included); an item without `order` overrides the one template line
    with the same exercise; any other item adds a line (it needs an exercise).
    Without a template every item is a new line. A protocol with phases gives the
    lines of its first phase.
    """
    lines: list[tuple[int | None, dict]] = []
    if template is not None:
        rows = template.items.select_related("exercise")
        first = first_phase(template)
        if first is not None:
            rows = rows.filter(phase=first)
        lines = [(None, _line_of(row)) for row in rows]
    errors: dict = {}
    for index, given in enumerate(items):
        given = {k: v for k, v in given.items() if k in LINE_FIELDS}
        # Only protocol lines not yet overridden can be matched.
        open_lines = [pos for pos, (source, _) in enumerate(lines) if source is None]
        position = None
        if "order" in given:
            position = next(
                (pos for pos in open_lines if lines[pos][1]["order"] == given["order"]), None
            )
        elif "exercise" in given:
            same = [
                pos for pos in open_lines if lines[pos][1]["exercise"].pk == given["exercise"].pk
            ]
            if len(same) > 1:
                errors[index] = {"order": ["The protocol has this exercise twice; give `order`."]}
                continue
            position = same[0] if same else None
        if position is not None:
            lines[position] = (index, {**lines[position][1], **given})
            continue
        if "exercise" not in given:
            errors[index] = {"exercise": ["This field is required for a new line."]}
            continue
        next_order = max((line["order"] for _, line in lines), default=0) + 1
        lines.append((index, _new_line(given, next_order)))
    _check_orders(lines, errors)
    if errors:
        raise ItemsInvalid(errors)
    if not lines:
        raise ItemsInvalid({"non_field_errors": ["A program needs a protocol or items."]})
    return [line for _, line in lines]


def first_phase(template: ProgramTemplate | None) -> TemplatePhase | None:
    if template is None:
        return None
    return template.phases.order_by("order").first()


def phase_lines(*, program: Program, phase: TemplatePhase) -> list[dict]:
    """The `items` of program_update that put `phase`'s lines in force.

    A current line whose exercise the new phase also has keeps its key (with the
    new phase's dose and days), so today's progress on it carries over; every other
    current line is left out, so it is retired."""
    current: dict[int, list[uuid.UUID]] = {}
    for key, exercise_id in program.items.filter(valid_until__isnull=True).values_list(
        "key", "exercise_id"
    ):
        current.setdefault(exercise_id, []).append(key)
    items = []
    for row in phase.items.select_related("exercise").order_by("order"):
        line = _line_of(row)
        kept = current.get(row.exercise_id)
        if kept:
            line["key"] = kept.pop(0)
        items.append(line)
    return items


def program_assign(
    *,
    patient: Patient,
    name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    template: ProgramTemplate | None = None,
    items: list[dict] | None = None,
    created_by=None,
) -> Program:
    """A new active program (version 1); all of it or nothing."""
    lines = program_lines(template=template, items=items or [])
    phase = first_phase(template)
    with transaction.atomic():
        program = Program.objects.create(
            patient=patient,
            name=name,
            template=template,
            start_date=start_date,
            end_date=end_date,
            phase=phase,
            phase_started_on=start_date if phase is not None else None,
            created_by=created_by,
        )
        ProgramItem.objects.bulk_create(
            [
                ProgramItem(program=program, version=1, valid_from=start_date, **line)
                for line in lines
            ]
        )
        today_cache_bump(patient_ids=[patient.pk])
        program_assigned.send(sender=Program, program=program)
    return program


def _effective_date(program: Program, now: dt.datetime | None) -> dt.date:
    # An edit before the program starts takes effect on its first day.
    return max(local_today(program.patient.timezone, now), program.start_date)


def program_update(
    *,
    program: Program,
    data: dict,
    now: dt.datetime | None = None,
) -> Program:
    """Change name / end date, and the items when `items` is given (see module doc).

    `phase` (a phase of the program's protocol) moves the program into it from the
    patient's local today; give that phase's lines as `items` (see phase_lines)."""
    with transaction.atomic():
        program = Program.objects.select_for_update().select_related("patient").get(pk=program.pk)
        if "items" in data and program.status == Program.Status.COMPLETED:
            raise ProgramStateError("A completed program cannot be edited.")
        fields = [name for name in ("name", "end_date") if name in data]
        for name in fields:
            setattr(program, name, data[name])
        if "phase" in data:
            program.phase = data["phase"]
            program.phase_started_on = _effective_date(program, now)
            fields += ["phase", "phase_started_on"]
        if "items" in data and _update_items(program, data["items"], now):
            program.version += 1
            fields.append("version")
        if fields:
            program.save(update_fields=[*fields, "updated_at"])
            today_cache_bump(patient_ids=[program.patient_id])
            change = "items" if "version" in fields else "details"
            program_updated.send(sender=Program, program=program, change=change)
    return program


def _update_items(program: Program, items: list[dict], now: dt.datetime | None) -> bool:
    """Retire and write rows for a new version; False when nothing changed.

    Runs inside the caller's transaction with the program row locked."""
    current = {
        row.key: row
        for row in program.items.filter(valid_until__isnull=True).select_related("exercise")
    }
    errors: dict = {}
    lines: list[tuple[int | None, dict]] = []
    changed: list[tuple[ProgramItem, dict]] = []
    added: list[dict] = []
    seen: set[uuid.UUID] = set()
    next_order = max((row.order for row in current.values()), default=0)
    for index, given in enumerate(items):
        key = given.get("key")
        if key is None:
            if "exercise" not in given:
                errors[index] = {"exercise": ["This field is required for a new line."]}
                continue
            next_order = max(next_order, given.get("order") or 0) + 1
            line = _new_line(given, next_order)
            added.append(line)
            lines.append((index, line))
            continue
        row = current.get(key)
        if row is None:
            errors[index] = {"key": ["This program has no current line with this key."]}
            continue
        if key in seen:
            errors[index] = {"key": ["This line is given twice."]}
            continue
        seen.add(key)
        before = _line_of(row)
        after = {**before, **{k: v for k, v in given.items() if k in LINE_FIELDS}}
        if _comparable(after) != _comparable(before):
            changed.append((row, after))
        lines.append((index, after))
    _check_orders(lines, errors)
    if errors:
        raise ItemsInvalid(errors)
    if not lines:
        raise ItemsInvalid({"non_field_errors": ["A program keeps at least one line."]})
    removed = [row for key, row in current.items() if key not in seen]
    if not (changed or added or removed):
        return False
    effective = _effective_date(program, now)
    version = program.version + 1
    ProgramItem.objects.filter(
        pk__in=[row.pk for row, _ in changed] + [row.pk for row in removed]
    ).update(valid_until=effective)
    ProgramItem.objects.bulk_create(
        [
            ProgramItem(program=program, key=row.key, version=version, valid_from=effective, **line)
            for row, line in changed
        ]
        + [
            ProgramItem(program=program, version=version, valid_from=effective, **line)
            for line in added
        ]
    )
    return True


def program_line_change(
    *,
    program: Program,
    key: uuid.UUID,
    exercise=None,
    dose: dict | None = None,
    now: dt.datetime | None = None,
) -> Program:
    """One line gets another exercise and/or dose as a new version; the other lines
    stay as they are. Raises ItemsInvalid when the line is no longer current."""
    current = list(program.items.filter(valid_until__isnull=True).values_list("key", flat=True))
    if key not in current:
        raise ItemsInvalid({"key": ["This program has no current line with this key."]})
    change: dict = {"key": key, **(dose or {})}
    if exercise is not None:
        change["exercise"] = exercise
    items = [change if row_key == key else {"key": row_key} for row_key in current]
    return program_update(program=program, data={"items": items}, now=now)


def _comparable(line: dict) -> tuple:
    return tuple(line[name].pk if name == "exercise" else line[name] for name in LINE_FIELDS)


def program_pause(
    *, program: Program, now: dt.datetime | None = None, start: dt.date | None = None
) -> Program:
    """Nothing is scheduled or reminded from `start` (default: the patient's local
    today) until resumed.

    An earlier `start` records days already gone as paused rather than missed (the
    patient was ill since Monday); it may not reach before the program's start or an
    earlier pause's end, nor over days the patient logged, whose logs would then
    count nowhere. Raises PauseStartInvalid for such a date.
    """
    with transaction.atomic():
        program = _locked(program)
        if program.status != Program.Status.ACTIVE:
            raise ProgramStateError(
                f"Only an active program can be paused; this one is {program.status}."
            )
        effective = _effective_date(program, now)
        if start is not None and start != effective:
            _check_pause_start(program, start, effective)
        ProgramPause.objects.create(program=program, start=start or effective)
        program.status = Program.Status.PAUSED
        program.save(update_fields=["status", "updated_at"])
        today_cache_bump(patient_ids=[program.patient_id])
        program_updated.send(sender=Program, program=program, change="paused")
    return program


def program_resume(*, program: Program, now: dt.datetime | None = None) -> Program:
    """The open pause ends (exclusive) on the patient's local today."""
    with transaction.atomic():
        program = _locked(program)
        if program.status != Program.Status.PAUSED:
            raise ProgramStateError(
                f"Only a paused program can be resumed; this one is {program.status}."
            )
        _close_pause(program, now)
        program.status = Program.Status.ACTIVE
        program.save(update_fields=["status", "updated_at"])
        today_cache_bump(patient_ids=[program.patient_id])
        program_updated.send(sender=Program, program=program, change="resumed")
    return program


def program_complete(*, program: Program, now: dt.datetime | None = None) -> Program:
    """Nothing more is scheduled; the end date moves back to today when later or empty."""
    with transaction.atomic():
        program = _locked(program)
        if program.status == Program.Status.COMPLETED:
            raise ProgramStateError("This program is already completed.")
        _close_pause(program, now)
        today = _effective_date(program, now)
        fields = ["status", "updated_at"]
        if program.end_date is None or program.end_date > today:
            program.end_date = today
            fields.append("end_date")
        program.status = Program.Status.COMPLETED
        program.save(update_fields=fields)
        today_cache_bump(patient_ids=[program.patient_id])
        program_updated.send(sender=Program, program=program, change="completed")
    return program


def _check_pause_start(program: Program, start: dt.date, effective: dt.date) -> None:
    if start > effective:
        raise PauseStartInvalid(
            f"A pause starts today ({effective.isoformat()}) at the latest; "
            "pause on the day it should begin."
        )
    if start < program.start_date:
        raise PauseStartInvalid(
            f"The program starts on {program.start_date.isoformat()}; "
            "a pause cannot begin before it."
        )
    last_end = (
        ProgramPause.objects.filter(program=program, end__gt=start)
        .order_by("-end")
        .values_list("end", flat=True)
        .first()
    )
    if last_end is not None:
        raise PauseStartInvalid(
            f"An earlier pause lasted until {last_end.isoformat()}; start on or after it."
        )
    logged = (
        ExerciseLog.objects.filter(item__program=program, date__gte=start, date__lt=effective)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if logged is not None:
        raise PauseStartInvalid(
            f"The patient logged exercises on {logged.isoformat()}; start the pause after that day."
        )


def _locked(program: Program) -> Program:
    return Program.objects.select_for_update().select_related("patient").get(pk=program.pk)


def _close_pause(program: Program, now: dt.datetime | None) -> None:
    today = _effective_date(program, now)
    for pause in ProgramPause.objects.filter(program=program, end__isnull=True):
        pause.end = max(today, pause.start)
        pause.save(update_fields=["end"])
