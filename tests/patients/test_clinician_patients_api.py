import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import Patient
from patients.services.invites import ActivationError, activation_code_redeem
from programs.models import Alert
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday
TODAY = NOW.date()


def new_patient(clinician_client, **extra):
    body = {
        "first_name": "Ada",
        "last_name": "Runner",
        "email": "Ada.Runner@example.com",
        "timezone": "Europe/Berlin",
        **extra,
    }
    return clinician_client.post("/api/v1/patients", body)


def test_create_patient_sends_invite_with_code(
    clinician_client, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = new_patient(clinician_client)
    assert response.status_code == 201, response.json()
    body = response.json()
    code = body["invite_code"]
    assert body["email"] == "ada.runner@example.com"
    assert body["primary_clinician"]["id"] == clinician.pk
    assert body["activated"] is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada.runner@example.com"]
    assert clinician.clinic.name in message.subject and "code" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert code in message.body and code in html
    assert "Hi Ada" in message.body
    patient = Patient.objects.get(pk=body["id"])
    assert not patient.user.has_usable_password()
    assert activation_code_redeem(code=code, password="a long new password 42").pk == patient.pk


def test_duplicate_email_is_a_field_error(clinician_client, patient):
    response = new_patient(clinician_client, email=patient.user.email.upper())
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "nope"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"primary_clinician": "x"}, "primary_clinician"),
    ],
)
def test_create_validates(clinician_client, change, field):
    response = new_patient(clinician_client, **change)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_fresh_invite_replaces_the_old_code(clinician_client, django_capture_on_commit_callbacks):
    created = new_patient(clinician_client).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(f"/api/v1/patients/{created['id']}/invite")
    assert response.status_code == 200
    fresh = response.json()["invite_code"]
    assert fresh != created["invite_code"]
    assert fresh in mail.outbox[-1].body
    activation_code_redeem(code=fresh, password="a long new password 42")
    response = clinician_client.post(f"/api/v1/patients/{created['id']}/invite")
    assert response.status_code == 409


def test_a_fresh_invite_retires_the_earlier_code(clinician_client):
    created = new_patient(clinician_client).json()
    clinician_client.post(f"/api/v1/patients/{created['id']}/invite")
    with pytest.raises(ActivationError):
        activation_code_redeem(code=created["invite_code"], password="a long new password 42")


def test_patch_email_refuses_another_accounts_address(clinician_client, clinic, patient):
    other = factories.PatientFactory(clinic=clinic)
    url = f"/api/v1/patients/{patient.pk}"
    response = clinician_client.patch(url, {"email": other.user.email.upper()})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]
    own = clinician_client.patch(url, {"email": patient.user.email.upper()})
    assert own.status_code == 200
    assert own.json()["email"] == patient.user.email


def test_detail_and_patch(clinician_client, clinic, patient):
    colleague = factories.ClinicianFactory(clinic=clinic)
    response = clinician_client.get(f"/api/v1/patients/{patient.pk}")
    assert response.status_code == 200
    assert response.json()["reminders"]["local_time"] == "18:00"
    response = clinician_client.patch(
        f"/api/v1/patients/{patient.pk}",
        {"last_name": "Changed", "timezone": "America/Chicago", "primary_clinician": colleague.pk},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["last_name"], body["timezone"], body["primary_clinician"]["id"]) == (
        "Changed",
        "America/Chicago",
        colleague.pk,
    )
    response = clinician_client.patch(f"/api/v1/patients/{patient.pk}", {"timezone": "Nowhere"})
    assert response.status_code == 400


def test_list_search_and_summary(clinician_client, clinic, patient):
    other = factories.PatientFactory(
        clinic=clinic, user__first_name="Zed", user__last_name="Zulu", user__email="zz@example.com"
    )
    factories.PatientFactory()  # another clinic
    program = factories.ProgramFactory(patient=other, start_date=TODAY - dt.timedelta(days=30))
    item = factories.ProgramItemFactory(program=program)
    for days_ago in (1, 2, 3):  # 3 of the 6 finished days done
        factories.ExerciseLogFactory(
            item=item,
            date=TODAY - dt.timedelta(days=days_ago),
            performed_at=NOW - dt.timedelta(days=days_ago),
        )
    factories.ExerciseLogFactory(
        item=item, date=TODAY - dt.timedelta(days=40), performed_at=NOW - dt.timedelta(days=40)
    )
    Alert.objects.create(clinic=clinic, patient=other, kind="high_pain", date=TODAY)
    with time_machine.travel(NOW, tick=False):
        rows = clinician_client.get("/api/v1/patients").json()["results"]
        assert {row["id"] for row in rows} == {patient.pk, other.pk}
        found = clinician_client.get("/api/v1/patients?q=zulu").json()["results"]
    assert [row["id"] for row in found] == [other.pk]
    row = found[0]
    assert row["last_7_days"] == 50.0
    assert row["open_alerts"] == 1
    assert row["last_log_at"].startswith("2026-11-24T12:00")


def test_list_query_count_is_constant(clinician):
    clinic = clinician.clinic

    def make(n):
        for _ in range(n):
            patient = factories.PatientFactory(clinic=clinic, primary_clinician=clinician)
            program = factories.ProgramFactory(
                patient=patient, start_date=TODAY - dt.timedelta(days=20)
            )
            for _ in range(3):
                item = factories.ProgramItemFactory(program=program)
                factories.ExerciseLogFactory(item=item, date=TODAY - dt.timedelta(days=1), pain=3)
            Alert.objects.create(clinic=clinic, patient=patient, kind="missed_days", date=TODAY)

    client = auth_client(clinician.user)
    with time_machine.travel(NOW, tick=False):
        client.get("/api/v1/patients")
        make(1)
        with CaptureQueriesContext(connection) as one:
            assert len(client.get("/api/v1/patients?page_size=100").json()["results"]) == 1
        make(49)
        with CaptureQueriesContext(connection) as fifty:
            rows = client.get("/api/v1/patients?page_size=100").json()["results"]
    assert len(rows) == 50
    assert all(row["last_7_days"] == 16.7 and row["open_alerts"] == 1 for row in rows)
    assert len(one) == len(fifty)
