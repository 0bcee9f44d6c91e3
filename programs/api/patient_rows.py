"""The rows of the clinician's patient list, read as tuples and built as plain dicts.

A page holds up to a few hundred patients. Model instances (a patient, their user,
their clinician and the clinician's user) and the serializer's field machinery cost
more per row than the rest of the page together, so the list reads only the columns
it shows, clinician included (one query, no prefetch), and builds each row by hand.
tests/programs/test_patient_row.py checks the rows equal PatientOutSerializer's.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import is_password_usable
from django.db.models import QuerySet

from patients.models import Patient
from programs.adherence import NO_RATES, AdherenceRates

LIST_FIELDS = (
    "pk",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__password",
    "timezone",
    "created_at",
    "primary_clinician_id",
    "primary_clinician__user__first_name",
    "primary_clinician__user__last_name",
    "primary_clinician__user__email",
)


@dataclass(slots=True)
class ListedPatient:
    """A patient as the list shows them. Has the `pk` and `timezone` the adherence
    selectors read, and takes the `last_log_at` and `open_alerts` that
    patients_with_activity sets."""

    pk: int
    first_name: str
    last_name: str
    email: str
    password: str
    timezone: str
    created_at: dt.datetime
    clinician_id: int | None
    clinician_first_name: str | None
    clinician_last_name: str | None
    clinician_email: str | None
    last_log_at: dt.datetime | None = None
    open_alerts: int = 0


def listed_patients(queryset: QuerySet[Patient]) -> QuerySet:
    """The queryset's patients as ListedPatient rows, in its order (still lazy, so a
    paginator can count and slice it)."""
    return queryset.prefetch_related(None).values_list(*LIST_FIELDS)


def instant(value: dt.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def patient_row(patient: ListedPatient, rates: dict[int, AdherenceRates]) -> dict:
    """One row of the patient list, exactly as PatientOutSerializer describes it."""
    adherence = rates.get(patient.pk, NO_RATES)
    primary = None
    if patient.clinician_id is not None:
        name = f"{patient.clinician_first_name} {patient.clinician_last_name}".strip()
        primary = {
            "id": patient.clinician_id,
            "name": name or patient.clinician_email,
            "email": patient.clinician_email,
        }
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "email": patient.email,
        "timezone": patient.timezone,
        "primary_clinician": primary,
        "activated": is_password_usable(patient.password),
        "last_7_days": adherence.days_complete_rate,
        "days_complete_rate": adherence.days_complete_rate,
        "items_done_rate": adherence.items_done_rate,
        "last_log_at": instant(patient.last_log_at),
        "open_alerts": patient.open_alerts,
        "created_at": instant(patient.created_at),
    }
