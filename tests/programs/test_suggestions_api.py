"""GET /api/v1/suggestions, POST .../accept and .../dismiss; today's `change`."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program
from programs.services.suggestions import suggestions_daily_pass
from programs.suggestion_models import Suggestion
from tests import factories
from tests.programs.test_suggestions import NOW, YESTERDAY, line_for, log_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    bridge = factories.ExerciseFactory(name="Glute bridge", slug="glute-bridge")
    marching = factories.ExerciseFactory(
        name="Marching bridge", slug="marching-bridge", default_sets=2, default_reps=8
    )
    bridge.progression = marching
    bridge.save()
    return bridge, marching


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def raised_for(patient, exercise) -> Suggestion:
    item = line_for(exercise, patient=patient)
    log_days(item, 4)
    suggestions_daily_pass(now=NOW)
    return Suggestion.objects.get(program=item.program)


def test_list_shows_the_clinics_open_suggestions_with_evidence(clinician_client, patient, chain):
    suggestion = raised_for(patient, chain[0])
    raised_for(factories.PatientFactory(), chain[0])  # another clinic's
    response = clinician_client.get("/api/v1/suggestions")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == suggestion.pk
    assert row["patient"]["id"] == patient.pk
    assert row["kind"] == "advance" and row["status"] == "open"
    assert row["evidence"] == "4 of 4 sessions complete, pain 1, difficulty 4"
    assert row["exercise"] == {"slug": "marching-bridge", "name": "Marching bridge"}
    assert row["dose"] == {"sets": 2, "reps": 8, "hold_seconds": None, "duration_seconds": None}
    assert row["window_end"] == YESTERDAY.isoformat()


def test_list_filters_by_patient_and_status(clinician_client, clinician, patient, chain):
    raised_for(patient, chain[0])
    other = factories.PatientFactory(clinic=clinician.clinic)
    raised_for(other, chain[0])
    rows = clinician_client.get(f"/api/v1/suggestions?patient={other.pk}").json()["results"]
    assert [row["patient"]["id"] for row in rows] == [other.pk]
    assert clinician_client.get("/api/v1/suggestions?status=dismissed").json()["results"] == []
    assert clinician_client.get("/api/v1/suggestions?status=bogus").status_code == 400
    assert clinician_client.get("/api/v1/suggestions?patient=x").status_code == 400


def test_accept_writes_a_new_version_and_today_says_what_and_why(
    clinician_client, patient_client, patient, chain
):
    suggestion = raised_for(patient, chain[0])
    response = clinician_client.post(f"/api/v1/suggestions/{suggestion.pk}/accept")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted" and body["applied_item"] is not None
    assert Program.objects.get(pk=suggestion.program_id).version == 2
    assert clinician_client.post(f"/api/v1/suggestions/{suggestion.pk}/accept").status_code == 409
    (item,) = patient_client.get("/api/v1/me/today").json()["programs"][0]["items"]
    assert item["exercise"]["slug"] == "marching-bridge"
    assert item["change"] == {
        "kind": "advance",
        "what": "Marching bridge, 2 sets, 8 reps (was Glute bridge, 3 sets, 10 reps)",
        "why": "4 of 4 sessions complete, pain 1, difficulty 4",
    }
    with time_machine.travel(NOW + dt.timedelta(days=14), tick=False):
        (item,) = patient_client.get("/api/v1/me/today").json()["programs"][0]["items"]
        assert item["change"] is None


def test_dismiss(clinician_client, patient, chain):
    suggestion = raised_for(patient, chain[0])
    response = clinician_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert Program.objects.get(pk=suggestion.program_id).version == 1
    assert clinician_client.post(f"/api/v1/suggestions/{suggestion.pk}/dismiss").status_code == 409
    assert clinician_client.get("/api/v1/suggestions").json()["results"] == []


def test_another_clinics_suggestion_is_a_404(clinician_client, chain):
    theirs = raised_for(factories.PatientFactory(), chain[0])
    for action in ("accept", "dismiss"):
        response = clinician_client.post(f"/api/v1/suggestions/{theirs.pk}/{action}")
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_patients_get_403(patient_client, patient, chain):
    suggestion = raised_for(patient, chain[0])
    assert patient_client.get("/api/v1/suggestions").status_code == 403
    assert patient_client.post(f"/api/v1/suggestions/{suggestion.pk}/accept").status_code == 403


def test_list_query_count_is_flat_at_1x_and_50x(clinician_client, clinician, chain):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clinician_client.get("/api/v1/suggestions?page_size=100").status_code == 200
        return len(captured)

    raised_for(factories.PatientFactory(clinic=clinician.clinic), chain[0])
    one = queries()
    for _ in range(49):
        item = line_for(chain[0], patient=factories.PatientFactory(clinic=clinician.clinic))
        log_days(item, 4)
    suggestions_daily_pass(now=NOW)
    assert len(clinician_client.get("/api/v1/suggestions?page_size=100").json()["results"]) == 50
    assert queries() == one
