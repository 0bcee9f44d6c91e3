"""The audit trail: who read or changed which patient's record, and when."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from patients.models import AuditEvent

WHAT_MAX = AuditEvent._meta.get_field("what").max_length

# One statement for any number of patients, with only the patient id varying per
# row. A list page of 200 patients spent far longer building and saving 200 model
# instances through bulk_create than the INSERT itself took. Django's ORM has no
# INSERT ... SELECT; a VALUES list in FROM names its column `column1` on both
# PostgreSQL and SQLite.
_INSERT = (
    f"INSERT INTO {AuditEvent._meta.db_table} "  # noqa: S608 (names from model metadata)
    "(clinic_id, actor_id, patient_id, action, what, created_at) "
    "SELECT %s, %s, patient.column1, %s, %s, %s FROM (VALUES {rows}) AS patient"
)


def audit_record(
    *,
    actor_id: int,
    clinic_id: int,
    patient_ids: Iterable[int],
    action: str,
    what: str,
) -> int:
    """One event per patient, written in one INSERT. Returns how many were written."""
    ids = [int(patient_id) for patient_id in dict.fromkeys(patient_ids)]  # in order shown
    if not ids:
        return 0
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(rows=", ".join(["(%s)"] * len(ids))),
            [clinic_id, actor_id, action, what[:WHAT_MAX], created_at, *ids],
        )
    return len(ids)
