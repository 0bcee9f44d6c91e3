"""What a patient's FHIR export reads, in a fixed number of queries.

The export shows the same day numbers as the adherence API because it takes them
from `programs.adherence.day_statuses`, the function that API uses.
"""

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from patients.models import Patient
from programs.adherence import DayStatus, day_statuses
from programs.models import Exercise, ExerciseLog, Program, ProgramItem, TemplateItem
from programs.outcomes.models import CheckIn


class LogRow(NamedTuple):
    id: str
    program_id: int
    date: dt.date
    completed: bool
    pain: int | None
    performed_at: dt.datetime


EXERCISE_DOSE_FIELDS = (
    "default_sets",
    "default_reps",
    "default_hold_seconds",
    "default_duration_seconds",
)


@dataclass(frozen=True)
class FhirExportData:
    patient: Patient
    generated_at: dt.datetime
    programs: list[Program]
    items: list[ProgramItem]  # every version of every line, ordered
    template_items: list[TemplateItem]
    exercises: dict[int, Exercise]
    logs: list[LogRow]
    days: list[DayStatus]  # each local date from the first log to the last
    checkins: list[CheckIn]  # answered, oldest first


def fhir_export_data(*, patient: Patient, now: dt.datetime | None = None) -> FhirExportData:
    """Everything the patient's $everything Bundle shows: nine queries whatever the
    number of programs, versions and logs (the patient row is the caller's)."""
    now = now or timezone.now()
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("template")
        .order_by("start_date", "id")
    )
    items = list(
        ProgramItem.objects.filter(program__patient=patient).order_by(
            "program_id", "order", "version", "id"
        )
    )
    template_ids = {program.template_id for program in programs if program.template_id}
    template_items = (
        list(
            TemplateItem.objects.filter(template_id__in=template_ids).order_by(
                "template_id", "order"
            )
        )
        if template_ids
        else []
    )
    exercise_ids = {line.exercise_id for line in (*items, *template_items)}
    exercises = {
        exercise.pk: exercise
        for exercise in Exercise.objects.filter(pk__in=exercise_ids)
        .only("id", "slug", "name", "instructions", *EXERCISE_DOSE_FIELDS)
        .order_by("id")
    }
    for line in (*items, *template_items):
        line.exercise = exercises[line.exercise_id]
    program_of_item = {item.pk: item.program_id for item in items}
    logs = [
        LogRow(str(log_id), program_of_item[item_id], day, completed, pain, performed_at)
        for log_id, item_id, day, completed, pain, performed_at in (
            ExerciseLog.objects.filter(patient=patient)
            .values_list("id", "item_id", "date", "completed", "pain", "performed_at")
            .order_by("performed_at", "id")
        )
    ]
    days: list[DayStatus] = []
    if logs:
        first = min(log.date for log in logs)
        last = max(log.date for log in logs)
        days = day_statuses(patients=[patient], start=first, end=last, now=now)[patient.pk]
    checkins = list(
        CheckIn.objects.filter(patient=patient, answered_at__isnull=False).order_by(
            "answered_at", "pk"
        )
    )
    return FhirExportData(
        patient=patient,
        generated_at=now,
        programs=programs,
        items=items,
        template_items=template_items,
        exercises=exercises,
        logs=logs,
        days=days,
        checkins=checkins,
    )
