"""Reads of what a patient logged, for their clinician."""

import datetime as dt

from django.db.models import QuerySet

from patients.models import Patient
from programs.models import ExerciseLog


def logs_for_patient(*, patient: Patient, start: dt.date, end: dt.date) -> QuerySet[ExerciseLog]:
    """The patient's logs on local dates start..end, newest first, with the exercise
    each was for (one query per page whatever its length)."""
    return (
        ExerciseLog.objects.filter(patient=patient, date__gte=start, date__lte=end)
        .select_related("item__exercise")
        .order_by("-date", "-performed_at", "pk")
    )
