"""Ingesting the app's offline log uploads: idempotent by the log's client-made id.

A batch is stored whole or not at all. Its logs' ids decide what happens:
- unknown id: the log is created (with that date's session, made if missing);
- id already stored with the same content: a duplicate, nothing changes;
- id already stored with other content (or by someone else): a conflict, reported
  by index, nothing changes.

A new log must be for a date its line is scheduled on (programs.scheduling): a log
before the program starts, after it ends, on a paused day or on a weekday the line
is not due would count nowhere, so the batch is refused with the reason per index.
Replays are not checked again: a log stored yesterday stays a duplicate even after
the program has since been paused or completed.

Batches of one patient are serialized by locking the patient's row first, so two
copies of a batch sent at once create each log once, and the second copy answers
them as duplicates. The work is a fixed number of queries whatever the batch size.
"""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from patients.models import Patient
from patients.timezones import local_today
from programs.models import ExerciseLog, Program, ProgramItem, ProgramPause, Session
from programs.scheduling import line_unscheduled_reason
from programs.selectors.today_cache import today_cache_bump
from programs.services.alerts import alerts_raise_high_pain
from programs.services.rtm import rtm_thresholds_check
from programs.signals import logs_created

# What a log says; a replay must say the same to count as a duplicate.
CONTENT_FIELDS = (
    "date",
    "completed",
    "sets_done",
    "reps_done",
    "hold_seconds_done",
    "duration_seconds_done",
    "pain",
    "difficulty",
    "note",
    "performed_at",
)
OPTIONAL_FIELDS = {
    "sets_done": None,
    "reps_done": None,
    "hold_seconds_done": None,
    "duration_seconds_done": None,
    "pain": None,
    "difficulty": None,
    "note": "",
}


class UnknownItems(Exception):
    """Logs name items that are not the patient's (or do not exist)."""

    def __init__(self, indexes: list[int]):
        super().__init__(f"unknown items at {indexes}")
        self.indexes = indexes


class UnscheduledLogs(Exception):
    """New logs for dates their line is not scheduled on; reasons by batch index."""

    def __init__(self, reasons: dict[int, str]):
        super().__init__(f"unscheduled logs at {sorted(reasons)}")
        self.reasons = reasons


@dataclass(frozen=True)
class LogConflict:
    index: int
    id: uuid.UUID


@dataclass
class LogBatchResult:
    created: int = 0
    duplicates: int = 0
    conflicts: list[LogConflict] = field(default_factory=list)
    created_logs: list[ExerciseLog] = field(default_factory=list, repr=False)


def _content(log: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: log.get(name, OPTIONAL_FIELDS.get(name)) for name in CONTENT_FIELDS}
    values["item_id"] = log["item"]
    return values


def log_batch_ingest(
    *, patient: Patient, logs: Sequence[Mapping[str, Any]], today: dt.date | None = None
) -> LogBatchResult:
    """Store validated logs ({id, item, date, completed, performed_at, ...}).

    Raises UnknownItems (and writes nothing) when any log names an item outside
    the patient's programs, and UnscheduledLogs (writing nothing) when a new log is
    for a date its line is not scheduled on. `today` is the patient's local date.
    """
    items = {
        item.pk: item
        for item in ProgramItem.objects.filter(
            pk__in={log["item"] for log in logs}, program__patient=patient
        )
        .order_by()
        .only("id", "version", "program_id", "key")
    }
    unknown = [index for index, log in enumerate(logs) if log["item"] not in items]
    if unknown:
        raise UnknownItems(unknown)

    result = LogBatchResult()
    with transaction.atomic():
        # The patient's batches take turns from here to commit.
        list(Patient.objects.select_for_update().filter(pk=patient.pk).order_by().values_list("pk"))
        stored = {
            row["id"]: row
            for row in ExerciseLog.objects.filter(pk__in=[log["id"] for log in logs])
            .order_by()
            .values("id", "patient_id", "item_id", *CONTENT_FIELDS)
        }
        new = []
        new_indexes = []
        for index, log in enumerate(logs):
            row = stored.get(log["id"])
            if row is None:
                new.append(log)
                new_indexes.append(index)
            elif row.pop("patient_id") == patient.pk and _same(row, _content(log)):
                result.duplicates += 1
            else:
                result.conflicts.append(LogConflict(index=index, id=log["id"]))
        if new:
            reasons = _unscheduled(
                logs=dict(zip(new_indexes, new, strict=True)),
                items=items,
                today=today if today is not None else local_today(patient.timezone),
            )
            if reasons:
                raise UnscheduledLogs(reasons)
            result.created_logs = _create(patient=patient, logs=new, items=items)
            result.created = len(result.created_logs)
            alerts_raise_high_pain(logs=result.created_logs, clinic_id=patient.clinic_id)
            today_cache_bump(patient_ids=[patient.pk])
            logs_created.send(
                sender=ExerciseLog,
                patient=patient,
                logs=result.created_logs,
                rtm_reached=rtm_thresholds_check(patient=patient, logs=result.created_logs),
            )
    return result


def _unscheduled(
    *, logs: Mapping[int, Mapping[str, Any]], items: Mapping[int, ProgramItem], today: dt.date
) -> dict[int, str]:
    """Reasons by index for logs whose line is not scheduled on their date (3 queries)."""
    lines = {(items[log["item"]].program_id, items[log["item"]].key) for log in logs.values()}
    program_ids = {program_id for program_id, _ in lines}
    rows: dict[tuple[int, uuid.UUID], list[ProgramItem]] = {}
    for row in (
        ProgramItem.objects.filter(program_id__in=program_ids, key__in={key for _, key in lines})
        .order_by()
        .only("id", "program_id", "key", "valid_from", "valid_until", "days_mask")
    ):
        rows.setdefault((row.program_id, row.key), []).append(row)
    programs = {
        program.pk: program
        for program in Program.objects.filter(pk__in=program_ids)
        .order_by()
        .only("id", "start_date", "end_date", "status")
    }
    pauses: dict[int, list[ProgramPause]] = {}
    for pause in ProgramPause.objects.filter(program_id__in=program_ids).order_by():
        pauses.setdefault(pause.program_id, []).append(pause)
    reasons = {}
    for index, log in logs.items():
        item = items[log["item"]]
        reason = line_unscheduled_reason(
            rows[(item.program_id, item.key)],
            programs[item.program_id],
            pauses.get(item.program_id, []),
            log["date"],
            today,
        )
        if reason is not None:
            reasons[index] = reason
    return reasons


def _same(stored: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    stored = {**stored}
    stored.pop("id", None)
    return stored == sent


def _create(
    *, patient: Patient, logs: Sequence[Mapping[str, Any]], items: Mapping[int, ProgramItem]
) -> list[ExerciseLog]:
    dates: set[dt.date] = {log["date"] for log in logs}
    Session.objects.bulk_create(
        [Session(patient=patient, date=date) for date in sorted(dates)], ignore_conflicts=True
    )
    session_of = dict(
        Session.objects.filter(patient=patient, date__in=dates).values_list("date", "id")
    )
    rows = []
    for log in logs:
        content = _content(log)
        item = items[content["item_id"]]
        rows.append(
            ExerciseLog(
                id=log["id"],
                patient=patient,
                session_id=session_of[log["date"]],
                # The version that introduced the prescribed row: what the patient
                # was shown, whenever the upload arrives.
                program_version=item.version,
                **content,
            )
        )
    return ExerciseLog.objects.bulk_create(rows)
