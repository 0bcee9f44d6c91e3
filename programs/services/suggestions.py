"""Progression suggestions: the daily pass that raises them, and accepting or
dismissing one.

The pass judges every line of every active program on the patient's local
yesterday with programs.progression, set-based: patients are taken in chunks by
id, and each chunk costs a fixed number of queries (patients, programs, their item
rows, pauses, logs, rules, the exercises of the lines with a verdict, the
suggestions already made, one INSERT), whatever the number of patients, lines or
logs in it. It is idempotent: a partial unique constraint keeps one open
suggestion per line, and the pass skips lines that have one.

A dismissed suggestion is dismissed for good for its evidence: the pass raises no
suggestion of the same kind for the same line whose evidence window (first to
last session judged) overlaps the dismissed one's. Only a fresh run of sessions,
all after the dismissed window, can raise it again.

An open suggestion whose line changed since (edited by hand, or the program
completed) expires at the start of the next pass, and cannot be accepted.
"""

import datetime as dt
import uuid
from collections import defaultdict
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from patients.models import Patient
from patients.timezones import local_today
from programs.adherence import date_range
from programs.chain import line_step
from programs.models import Exercise, ExerciseLog, Program, ProgramItem, ProgramPause
from programs.progression import Dose, LogDone, Prescription, Session, Verdict, judge_line
from programs.scheduling import item_scheduled_on
from programs.selectors.rules import AppliedRule, rule_book
from programs.services.phases import PhaseMoveRefused, phase_suggestion_apply
from programs.services.programs import ItemsInvalid, program_line_change
from programs.suggestion_models import PHASE, Suggestion

# Each line is judged on the LOOKBACK_DAYS local dates ending on the patient's
# yesterday: enough for four sessions of a once-a-week line; the pain rule needs 14.
LOOKBACK_DAYS = 28
CHUNK_SIZE = 1000


class SuggestionClosed(Exception):
    """The suggestion was already decided, or its line changed since it was made."""


class _Row(NamedTuple):
    id: int
    program_id: int
    key: uuid.UUID
    exercise_id: int
    sets: int | None
    reps: int | None
    hold_seconds: int | None
    duration_seconds: int | None
    days_mask: int
    times_per_day: int
    valid_from: dt.date
    valid_until: dt.date | None

    @property
    def prescription(self) -> Prescription:
        dose = Dose(self.sets, self.reps, self.hold_seconds, self.duration_seconds)
        return Prescription(self.exercise_id, dose)


class _Program(NamedTuple):
    id: int
    patient_id: int
    template_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    status: str


class _Pause(NamedTuple):
    start: dt.date
    end: dt.date | None


class Candidate(NamedTuple):
    """A line the rules pick, before the chain step and the suppression checks."""

    program_id: int
    key: uuid.UUID
    item_id: int
    prescription: Prescription
    verdict: Verdict
    clinic_id: int
    applied: AppliedRule


def suggestions_daily_pass(*, now: dt.datetime | None = None, chunk_size: int = CHUNK_SIZE) -> dict:
    """Raise (and, where the protocol says so, apply) suggestions for every active
    program. Returns {"lines": judged, "raised": n, "applied": n, "expired": n}."""
    now = now or timezone.now()
    counts = {"lines": 0, "raised": 0, "applied": 0, "expired": suggestions_expire_stale()}
    patients = Patient.objects.filter(
        Exists(Program.objects.filter(patient=OuterRef("pk"), status=Program.Status.ACTIVE))
    ).values_list("pk", "clinic_id", "timezone")
    last_id = 0
    while True:
        chunk = list(patients.filter(pk__gt=last_id).order_by("pk")[:chunk_size])
        if not chunk:
            break
        last_id = chunk[-1][0]
        for name, value in _pass_chunk(chunk, now).items():
            counts[name] += value
    return counts


def suggestions_expire_stale() -> int:
    """Open suggestions about a row no longer in force, or a program no longer active."""
    return (
        Suggestion.objects.filter(status=Suggestion.Status.OPEN)
        .filter(Q(item__valid_until__isnull=False) | ~Q(program__status=Program.Status.ACTIVE))
        .update(status=Suggestion.Status.EXPIRED, decided_at=timezone.now())
    )


def line_candidates(
    patients: list[tuple[int, int, str]], now: dt.datetime
) -> tuple[list[Candidate], dict[int, _Program], int]:
    """Every line of these patients' active programs the rules pick, judged on each
    patient's local yesterday, with its clinic and rule; how many lines were judged.
    Six queries."""
    yesterday_of = {pk: local_today(tz, now) - dt.timedelta(days=1) for pk, _, tz in patients}
    clinic_of = {pk: clinic_id for pk, clinic_id, _ in patients}
    start = min(yesterday_of.values()) - dt.timedelta(days=LOOKBACK_DAYS - 1)
    programs = {
        row[0]: _Program(*row)
        for row in Program.objects.filter(
            patient_id__in=yesterday_of, status=Program.Status.ACTIVE
        ).values_list("id", "patient_id", "template_id", "start_date", "end_date", "status")
    }
    rows = [
        _Row(*values)
        for values in ProgramItem.objects.filter(program_id__in=programs)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        .order_by("valid_from", "id")
        .values_list(*_Row._fields)
    ]
    pauses: dict[int, list[_Pause]] = defaultdict(list)
    for program_id, pause_start, pause_end in ProgramPause.objects.filter(
        program_id__in=programs
    ).values_list("program_id", "start", "end"):
        pauses[program_id].append(_Pause(pause_start, pause_end))
    lines: dict[tuple[int, uuid.UUID], list[_Row]] = defaultdict(list)
    for row in rows:
        lines[(row.program_id, row.key)].append(row)
    # Logs by (the line's position in `lines`, date): integer keys hash faster than
    # the line's (program, UUID) over a chunk's hundred thousand logs.
    position = {line: index for index, line in enumerate(lines)}
    line_of = {row.id: position[(row.program_id, row.key)] for row in rows}
    logs: dict[tuple[int, dt.date], list[LogDone]] = defaultdict(list)
    for item_id, date, *done in (
        ExerciseLog.objects.filter(patient_id__in=yesterday_of, date__gte=start)
        .order_by()
        .values_list("item_id", "date", *LogDone._fields)
    ):
        line = line_of.get(item_id)
        if line is not None:
            logs[(line, date)].append(LogDone(*done))
    book = rule_book(clinic_ids=set(clinic_of.values()))
    found: list[Candidate] = []
    judged = 0
    for index, ((program_id, key), line_rows) in enumerate(lines.items()):
        current = line_rows[-1]
        if current.valid_until is not None:
            continue  # the line was removed
        judged += 1
        program = programs[program_id]
        yesterday = yesterday_of[program.patient_id]
        lookback = yesterday - dt.timedelta(days=LOOKBACK_DAYS - 1)
        sessions = _sessions(
            line_rows, program, pauses[program_id], logs, index, lookback, yesterday
        )
        clinic_id = clinic_of[program.patient_id]
        applied = book.rule_for(clinic_id=clinic_id, template_id=program.template_id)
        verdict = judge_line(
            sessions=sessions, current=current.prescription, rule=applied.rule, yesterday=yesterday
        )
        if verdict is not None:
            found.append(
                Candidate(
                    program_id, key, current.id, current.prescription, verdict, clinic_id, applied
                )
            )
    return found, programs, judged


def _sessions(rows, program, pauses, logs, line, start, yesterday) -> list[Session]:
    today = yesterday + dt.timedelta(days=1)
    first = max(start, program.start_date, rows[0].valid_from)
    sessions = []
    row_index = 0
    row = rows[0]
    prescription = row.prescription
    for day in date_range(first, yesterday):
        # Rows of a line follow one another in time: move to the one in force.
        while row.valid_until is not None and day >= row.valid_until:
            if row_index + 1 == len(rows):
                return sessions
            row_index += 1
            row = rows[row_index]
            prescription = row.prescription
        if day < row.valid_from or not item_scheduled_on(row, program, pauses, day, today):
            continue
        sessions.append(
            Session(
                date=day,
                prescription=prescription,
                times_per_day=row.times_per_day,
                logs=logs.get((line, day), ()),
            )
        )
    return sessions


def _pass_chunk(patients: list[tuple[int, int, str]], now: dt.datetime) -> dict[str, int]:
    candidates, programs, judged = line_candidates(patients, now)
    counts = {"lines": judged, "raised": 0, "applied": 0}
    if not candidates:
        return counts
    earlier = _earlier_suggestions(candidates)
    candidates = [c for c in candidates if not _suppressed(c, earlier)]
    if not candidates:
        return counts
    # A few library entries serve every line: load each once, with its chain links.
    exercises = Exercise.objects.select_related("progression", "regression").in_bulk(
        {c.prescription.exercise_id for c in candidates}
    )
    new, auto = [], []
    for candidate in candidates:
        program = programs[candidate.program_id]
        step = line_step(
            exercise=exercises[candidate.prescription.exercise_id],
            dose=candidate.prescription.dose,
            kind=candidate.verdict.kind,
            rule=candidate.applied.rule,
            clinic_id=candidate.clinic_id,
        )
        if step is None:
            continue
        suggestion = Suggestion(
            clinic_id=candidate.clinic_id,
            patient_id=program.patient_id,
            program_id=program.id,
            line_key=candidate.key,
            item_id=candidate.item_id,
            kind=candidate.verdict.kind,
            evidence=candidate.verdict.evidence[:300],
            change=step.change[:300],
            to_exercise=step.exercise,
            to_sets=step.dose.sets,
            to_reps=step.dose.reps,
            to_hold_seconds=step.dose.hold_seconds,
            to_duration_seconds=step.dose.duration_seconds,
            window_start=candidate.verdict.window_start,
            window_end=candidate.verdict.window_end,
        )
        (auto if candidate.applied.auto_apply else new).append(suggestion)
    # A concurrent pass may raise the same line: the constraint keeps one.
    created = Suggestion.objects.bulk_create(new, ignore_conflicts=True)
    counts["raised"] = len(created)
    for suggestion in auto:
        counts["applied"] += _auto_apply(suggestion, now)
    return counts


def _earlier_suggestions(candidates: list[Candidate]) -> dict:
    """Open and dismissed suggestions of the candidates' lines, by line."""
    keys = {(c.program_id, c.key) for c in candidates}
    earlier: dict[tuple[int, uuid.UUID], list[tuple]] = defaultdict(list)
    for program_id, key, status, kind, first, last in Suggestion.objects.filter(
        program_id__in={c.program_id for c in candidates},
        status__in=[Suggestion.Status.OPEN, Suggestion.Status.DISMISSED],
    ).values_list("program_id", "line_key", "status", "kind", "window_start", "window_end"):
        if (program_id, key) in keys:
            earlier[(program_id, key)].append((status, kind, first, last))
    return earlier


def _suppressed(candidate: Candidate, earlier: dict) -> bool:
    verdict = candidate.verdict
    for status, kind, first, last in earlier.get((candidate.program_id, candidate.key), ()):
        if status == Suggestion.Status.OPEN:
            return True
        if kind == verdict.kind and first <= verdict.window_end and verdict.window_start <= last:
            return True
    return False


def _auto_apply(suggestion: Suggestion, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:  # another pass opened this line's suggestion a moment ago
        return 0
    try:
        suggestion_accept(suggestion=suggestion, by=None, now=now)
    except SuggestionClosed:
        return 0
    return 1


LINE_CHANGED = "The line changed since this was suggested."
PROGRAM_MOVED = "The program is no longer active in the phase this was suggested for."


def suggestion_accept(
    *, suggestion: Suggestion, by=None, now: dt.datetime | None = None
) -> Suggestion:
    """Apply the change as a new program version (through program_line_change).

    `by` empty means the protocol's auto-apply did it (status "applied"). A phase
    suggestion moves the program on to its next phase (programs.services.phases)."""
    with transaction.atomic():
        locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.status != Suggestion.Status.OPEN:
            raise SuggestionClosed(f"This suggestion is already {locked.status}.")
        if locked.kind == Suggestion.Kind.PHASE:
            try:
                phase_suggestion_apply(locked=locked, by=by, now=now)
            except PhaseMoveRefused:
                stale = True
            else:
                return locked
        else:
            stale = _apply_line(locked, by, now)
    if stale:
        Suggestion.objects.filter(pk=locked.pk, status=Suggestion.Status.OPEN).update(
            status=Suggestion.Status.EXPIRED, decided_at=timezone.now()
        )
        raise SuggestionClosed(PROGRAM_MOVED if locked.kind == PHASE else LINE_CHANGED)
    return locked


def _apply_line(locked: Suggestion, by, now: dt.datetime | None) -> bool:
    """Apply a line suggestion; True when it is stale instead."""
    current = ProgramItem.objects.filter(
        program_id=locked.program_id, key=locked.line_key, valid_until__isnull=True
    ).first()
    program = Program.objects.get(pk=locked.program_id)
    stale = (
        current is None or current.pk != locked.item_id or program.status != Program.Status.ACTIVE
    )
    if not stale:
        try:
            _apply(locked, program, by, now)
        except ItemsInvalid as exc:  # the line's service refused the change
            raise SuggestionClosed(LINE_CHANGED) from exc
    return stale


def _apply(locked: Suggestion, program: Program, by, now: dt.datetime | None) -> None:
    program_line_change(
        program=program,
        key=locked.line_key,
        exercise=locked.to_exercise,
        dose={
            "sets": locked.to_sets,
            "reps": locked.to_reps,
            "hold_seconds": locked.to_hold_seconds,
            "duration_seconds": locked.to_duration_seconds,
        },
        now=now,
    )
    locked.applied_item = ProgramItem.objects.get(
        program_id=locked.program_id, key=locked.line_key, valid_until__isnull=True
    )
    locked.status = Suggestion.Status.ACCEPTED if by else Suggestion.Status.APPLIED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["applied_item", "status", "decided_at", "decided_by"])


def suggestion_dismiss(*, suggestion: Suggestion, by) -> Suggestion:
    """Dismissed for good for its evidence window (see the module doc)."""
    updated = Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.OPEN).update(
        status=Suggestion.Status.DISMISSED, decided_at=timezone.now(), decided_by=by
    )
    if not updated:
        suggestion.refresh_from_db()
        raise SuggestionClosed(f"This suggestion is already {suggestion.status}.")
    suggestion.refresh_from_db()
    return suggestion
