"""The audit trail: who read or changed which patient's record, and when."""

from collections.abc import Iterable

from patients.models import AuditEvent

WHAT_MAX = AuditEvent._meta.get_field("what").max_length


def audit_record(
    *,
    actor_id: int,
    clinic_id: int,
    patient_ids: Iterable[int],
    action: str,
    what: str,
) -> int:
    """One event per patient, written in one INSERT. Returns how many were written."""
    ids = list(dict.fromkeys(patient_ids))  # one event per patient, in order shown
    if not ids:
        return 0
    what = what[:WHAT_MAX]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                clinic_id=clinic_id,
                actor_id=actor_id,
                patient_id=patient_id,
                action=action,
                what=what,
            )
            for patient_id in ids
        ]
    )
    return len(ids)
