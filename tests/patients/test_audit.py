import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import AuditEvent
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db


def events():
    return list(
        AuditEvent.objects.order_by("id").values_list("actor_id", "patient_id", "action", "what")
    )


def test_reading_a_patient_is_recorded(clinician, clinician_client, patient):
    assert clinician_client.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    (event,) = AuditEvent.objects.all()
    assert (event.actor_id, event.patient_id, event.clinic_id, event.action, event.what) == (
        clinician.user_id,
        patient.pk,
        clinician.clinic_id,
        "read",
        f"GET /api/v1/patients/{patient.pk}",
    )


def test_changes_and_reports_are_recorded(clinician, clinician_client, patient):
    uid = clinician.user_id
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 1, 1))
    clinician_client.patch(f"/api/v1/patients/{patient.pk}", {"first_name": "New"})
    clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence?from=2026-01-01&to=2026-01-31")
    clinician_client.post(f"/api/v1/programs/{program.pk}/pause")
    assert events() == [
        (uid, patient.pk, "update", f"PATCH /api/v1/patients/{patient.pk}"),
        (
            uid,
            patient.pk,
            "read",
            f"GET /api/v1/patients/{patient.pk}/adherence?from=2026-01-01&to=2026-01-31",
        ),
        (uid, patient.pk, "update", f"POST /api/v1/programs/{program.pk}/pause"),
    ]


def test_creating_a_patient_is_recorded(clinician_client):
    body = {"first_name": "A", "last_name": "B", "email": "a@example.com", "timezone": "UTC"}
    created = clinician_client.post("/api/v1/patients", body).json()
    assert [(p, a) for _, p, a, _ in events()] == [(created["id"], "create")]


def test_a_failed_request_records_nothing(clinician_client, patient):
    assert (
        clinician_client.patch(f"/api/v1/patients/{patient.pk}", {"timezone": "X"}).status_code
        == 400
    )
    assert clinician_client.get("/api/v1/patients/99999999").status_code == 404
    assert events() == []


def test_an_attempt_at_another_clinics_patient_is_logged_there_as_denied(clinician, patient):
    other = factories.PatientFactory()
    client = auth_client(clinician.user)
    client.defaults["REMOTE_ADDR"] = "192.0.2.44"
    for path in (f"/api/v1/patients/{other.pk}", f"/api/v1/patients/{other.pk}/adherence"):
        assert client.get(path).status_code == 404
    denied = list(AuditEvent.objects.order_by("id"))
    assert [(e.actor_id, e.patient_id, e.clinic_id, e.action) for e in denied] == [
        (clinician.user_id, other.pk, other.clinic_id, "denied")
    ] * 2
    assert {e.client_address for e in denied} == {"192.0.2.44"}


def test_each_event_records_the_client_address(clinician, patient):
    client = auth_client(clinician.user)
    client.defaults["REMOTE_ADDR"] = "198.51.100.9"
    assert client.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    assert AuditEvent.objects.get().client_address == "198.51.100.9"


def test_list_records_one_event_per_patient_shown_in_one_insert(clinician):
    client = auth_client(clinician.user)
    client.get("/api/v1/patients")
    factories.PatientFactory(clinic=clinician.clinic)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/patients")
    for _ in range(20):
        factories.PatientFactory(clinic=clinician.clinic)
    before = AuditEvent.objects.count()  # the trail is append-only: count what is added
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/patients").json()["results"]) == 21
    assert AuditEvent.objects.count() - before == 21
    assert len(one) == len(many)


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_an_audit_row(clinician_client, patient):
    from django.db import DatabaseError, transaction

    assert clinician_client.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(what="nothing happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM patients_auditevent")
    assert AuditEvent.objects.get().what == f"GET /api/v1/patients/{patient.pk}"
