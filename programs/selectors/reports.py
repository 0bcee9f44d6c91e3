"""Rows of the CSV exports, produced lazily so a whole clinic streams in constant
memory. The numbers come from `programs.adherence.day_statuses`, as in the API."""

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from patients.models import Patient
from programs.adherence import day_statuses
from programs.models import ExerciseLog

PATIENT_CHUNK = 200
LOG_CHUNK = 2000

ADHERENCE_COLUMNS = (
    "patient_id",
    "first_name",
    "last_name",
    "date",
    "scheduled",
    "done",
    "pain_average",
    "rtm_data_day",
)
LOG_COLUMNS = (
    "log_id",
    "date",
    "performed_at",
    "program_id",
    "program_name",
    "program_version",
    "exercise_slug",
    "exercise_name",
    "completed",
    "sets_done",
    "reps_done",
    "hold_seconds_done",
    "duration_seconds_done",
    "pain",
    "difficulty",
    "note",
)


def adherence_rows(
    *,
    clinic_id: int,
    start: dt.date,
    end: dt.date,
    on_chunk: Callable[[Sequence[Patient]], None] | None = None,
    chunk_size: int = PATIENT_CHUNK,
) -> Iterator[tuple]:
    """One row per (patient, local date) for the clinic's patients, by patient id:
    four queries per `chunk_size` patients, whatever the clinic's size.

    `on_chunk` is called with each chunk of patients as it is read (the audit trail)."""
    last_id = 0
    while True:
        chunk = list(
            Patient.objects.filter(clinic_id=clinic_id, pk__gt=last_id)
            .select_related("user")
            .only("id", "timezone", "clinic_id", "user__first_name", "user__last_name")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            return
        last_id = chunk[-1].pk
        if on_chunk is not None:
            on_chunk(chunk)
        statuses = day_statuses(patients=chunk, start=start, end=end)
        for patient in chunk:
            first, last = patient.user.first_name, patient.user.last_name
            for day in statuses[patient.pk]:
                yield (
                    patient.pk,
                    first,
                    last,
                    day.date.isoformat(),
                    day.scheduled,
                    day.done,
                    "" if day.pain_average is None else day.pain_average,
                    int(day.logged),
                )


def patient_log_rows(
    *, patient: Patient, start: dt.date | None = None, end: dt.date | None = None
) -> Iterator[tuple]:
    """The patient's logs, oldest first, read from a server-side cursor in chunks."""
    logs = ExerciseLog.objects.filter(patient=patient)
    if start is not None:
        logs = logs.filter(date__gte=start)
    if end is not None:
        logs = logs.filter(date__lte=end)
    rows = logs.order_by("performed_at", "id").values_list(
        "id",
        "date",
        "performed_at",
        "item__program_id",
        "item__program__name",
        "program_version",
        "item__exercise__slug",
        "item__exercise__name",
        "completed",
        "sets_done",
        "reps_done",
        "hold_seconds_done",
        "duration_seconds_done",
        "pain",
        "difficulty",
        "note",
    )
    for row in rows.iterator(chunk_size=LOG_CHUNK):
        log_id, day, performed_at, program_id, name, version, slug, title, completed, *done = row
        yield (
            str(log_id),
            day.isoformat(),
            performed_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            program_id,
            name,
            version,
            slug,
            title,
            int(completed),
            *("" if value is None else value for value in done),
        )
