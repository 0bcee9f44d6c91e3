"""Alerts that surface patients to their clinician: high pain, missed days, rising pain.

Each alert is created once: a partial unique constraint allows one open alert per
(patient, kind), and it stays open until a clinician resolves it.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from programs.models import Alert, ExerciseLog

HIGH_PAIN = 7


def _raise(*, patient_id: int, clinic_id: int, kind: str, date, detail: dict) -> bool:
    """Open an alert unless one of this kind is already open. True if created."""
    if Alert.objects.filter(patient_id=patient_id, kind=kind, status=Alert.Status.OPEN).exists():
        return False
    try:
        with transaction.atomic():
            Alert.objects.create(
                patient_id=patient_id, clinic_id=clinic_id, kind=kind, date=date, detail=detail
            )
    except IntegrityError:  # another request opened the same alert a moment ago
        return False
    return True


def alerts_raise_high_pain(*, logs: Iterable[ExerciseLog], clinic_id: int) -> int:
    """At once, when logs arrive: pain >= 7 opens a high-pain alert for the patient."""
    worst: dict[int, ExerciseLog] = {}
    for log in logs:
        if log.pain is None or log.pain < HIGH_PAIN:
            continue
        if log.patient_id not in worst or log.pain > worst[log.patient_id].pain:
            worst[log.patient_id] = log
    created = 0
    for patient_id, log in worst.items():
        detail = {"pain": log.pain, "log_id": str(log.pk), "item_id": log.item_id}
        created += _raise(
            patient_id=patient_id,
            clinic_id=clinic_id,
            kind=Alert.Kind.HIGH_PAIN,
            date=log.date,
            detail=detail,
        )
    return created
