"""Reads on a clinic's patients that the console shows."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Max, QuerySet

from patients.models import Patient


def patients_not_activated(*, clinic_id: int) -> QuerySet[Patient]:
    """Invited patients who have not redeemed a code yet (no password set), with the
    time of their latest invite as `invited_at`."""
    return (
        Patient.objects.filter(
            clinic_id=clinic_id,
            user__is_active=True,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .select_related("user")
        .annotate(invited_at=Max("activation_codes__created_at"))
        .order_by("-created_at", "-id")
    )
