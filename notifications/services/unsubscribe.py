"""Stopping reminder emails from a signed link (RFC 8058 one-click)."""

from django.utils import timezone

from notifications.services.content import unsubscribe_token_read
from patients.models import Patient
from patients.token_cache import token_cache_forget_patients


def patient_for_unsubscribe_token(*, token: str) -> Patient | None:
    patient_id = unsubscribe_token_read(token)
    if patient_id is None:
        return None
    return Patient.objects.select_related("user").filter(pk=patient_id).first()


def patient_unsubscribe_email(*, patient: Patient) -> None:
    """Idempotent: the first unsubscribe instant is kept."""
    changed = Patient.objects.filter(pk=patient.pk, email_unsubscribed_at__isnull=True).update(
        email_unsubscribed_at=timezone.now()
    )
    if changed:  # an update sends no signal: the cached sign-in rows say it here
        token_cache_forget_patients(patient_ids=[patient.pk])


def patient_resubscribe_email(*, patient: Patient) -> Patient:
    """Undo an unsubscribe, from the patient's own signed-in app. A bounced address
    stays bounced: only a working address clears that."""
    if patient.email_unsubscribed_at is not None:
        patient.email_unsubscribed_at = None
        patient.save(update_fields=["email_unsubscribed_at", "updated_at"])
    return patient
