"""GET /api/v1/patients/{id}/logs: the clinician reads what the patient logged and said."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.models import AuditEvent
from tests import factories
from tests.conftest import auth_client

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 10, 1))
    exercise = factories.ExerciseFactory(slug="glute-bridge", name="Glute bridge")
    return factories.ProgramItemFactory(program=program, exercise=exercise)


def logs_url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/logs"


def upload(patient, item, **fields):
    body = {
        "id": str(uuid.uuid4()),
        "item": item.pk,
        "date": "2026-11-25",
        "completed": True,
        "performed_at": "2026-11-25T11:00:00Z",
        **fields,
    }
    response = auth_client(patient.user).post("/api/v1/me/logs", {"logs": [body]}, format="json")
    assert response.status_code == 200, response.content
    return body["id"]


def test_the_patients_note_reaches_the_clinician(clinician_client, patient, item):
    log_id = upload(patient, item, pain=3, difficulty=6, sets_done=2, note="Left side tight.")
    response = clinician_client.get(logs_url(patient))
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": log_id,
            "date": "2026-11-25",
            "performed_at": "2026-11-25T11:00:00Z",
            "item": item.pk,
            "program": item.program_id,
            "exercise": {"slug": "glute-bridge", "name": "Glute bridge"},
            "completed": True,
            "sets_done": 2,
            "reps_done": None,
            "hold_seconds_done": None,
            "duration_seconds_done": None,
            "pain": 3,
            "difficulty": 6,
            "note": "Left side tight.",
        }
    ]
    assert AuditEvent.objects.filter(patient=patient, action="read").exists()


def test_dates_filter_and_order_newest_first(clinician_client, patient, item):
    for day in (20, 22, 24):
        factories.ExerciseLogFactory(item=item, date=dt.date(2026, 11, day))
    rows = clinician_client.get(logs_url(patient) + "?from=2026-11-21&to=2026-11-24").json()
    assert [row["date"] for row in rows["results"]] == ["2026-11-24", "2026-11-22"]
    for query in ("?from=2026-11-25&to=2026-11-24", "?to=2026-13-01", "?from=2024-01-01"):
        response = clinician_client.get(logs_url(patient) + query)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"


def test_another_clinics_patient_is_404_and_patients_are_403(patient, item):
    stranger = factories.ClinicianFactory()
    assert auth_client(stranger.user).get(logs_url(patient)).status_code == 404
    assert auth_client(patient.user).get(logs_url(patient)).status_code == 403


def test_query_count_does_not_grow_with_the_logs(clinician_client, patient, item):
    counts = []
    for n in (1, 20):
        for i in range(n):
            factories.ExerciseLogFactory(item=item, date=WEDNESDAY - dt.timedelta(days=i % 10))
        with CaptureQueriesContext(connection) as queries:
            assert clinician_client.get(logs_url(patient)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_high_pain_alert_names_the_exercise_and_carries_the_note(clinician_client, patient, item):
    log_id = upload(patient, item, pain=8, note="Sharp pain on the way up.")
    (alert,) = clinician_client.get("/api/v1/alerts").json()["results"]
    assert alert["kind"] == "high_pain"
    assert alert["detail"] == {
        "pain": 8,
        "log_id": log_id,
        "item_id": item.pk,
        "exercise": {"slug": "glute-bridge", "name": "Glute bridge"},
        "note": "Sharp pain on the way up.",
    }
