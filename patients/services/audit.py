"""The audit trail: who read or changed which patient's record, when, and from where.

Rows are only ever added (see AuditEvent). A clinician's attempt at another
clinic's patient is written too, as `denied`, to the trail of the clinic whose
patient it was, so its owners see who tried.
"""

import ipaddress
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from patients.models import AuditEvent, Patient

WHAT_MAX = AuditEvent._meta.get_field("what").max_length

# One statement for any number of patients, with only the patient id varying per
# row. A list page of 200 patients spent far longer building and saving 200 model
# instances through bulk_create than the INSERT itself took. Django's ORM has no
# INSERT ... SELECT; a VALUES list in FROM names its column `column1` on both
# PostgreSQL and SQLite.
_INSERT = (
    f"INSERT INTO {AuditEvent._meta.db_table} "  # noqa: S608 (names from model metadata)
    "(clinic_id, actor_id, patient_id, action, what, created_at, client_address) "
    "SELECT %s, %s, patient.column1, %s, %s, %s, %s FROM (VALUES {rows}) AS patient"
)


def client_address(request) -> str | None:
    """The client's address as the throttles see it (REMOTE_ADDR, or the entry the
    NUM_PROXIES trusted proxies vouch for); None if it is not an IP address."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident.strip()))
    except (ValueError, AttributeError):
        return None


def audit_record(
    *,
    actor_id: int,
    clinic_id: int,
    patient_ids: Iterable[int],
    action: str,
    what: str,
    client_address: str | None = None,
) -> int:
    """One event per patient, written in one INSERT. Returns how many were written."""
    ids = [int(patient_id) for patient_id in dict.fromkeys(patient_ids)]  # in order shown
    if not ids:
        return 0
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(rows=", ".join(["(%s)"] * len(ids))),
            [clinic_id, actor_id, action, what[:WHAT_MAX], created_at, client_address, *ids],
        )
    return len(ids)


def audit_record_any_clinic(
    *,
    actor_id: int,
    patient_ids: Iterable[int],
    action: str,
    what: str,
    client_address: str | None = None,
) -> int:
    """As audit_record, for patients of possibly several clinics (a superuser's page,
    a denied attempt): each event goes to its patient's clinic."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return 0
    by_clinic: dict[int, list[int]] = defaultdict(list)
    clinics = dict(Patient.objects.filter(pk__in=ids).values_list("pk", "clinic_id"))
    for patient_id in ids:
        if patient_id in clinics:
            by_clinic[clinics[patient_id]].append(patient_id)
    return sum(
        audit_record(
            actor_id=actor_id,
            clinic_id=clinic_id,
            patient_ids=patient_ids,
            action=action,
            what=what,
            client_address=client_address,
        )
        for clinic_id, patient_ids in by_clinic.items()
    )
