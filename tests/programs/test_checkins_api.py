"""The patient sees their open check-ins and answers each once; strictly."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.outcomes.models import CheckIn
from tests.conftest import auth_client
from tests.factories import PatientFactory, ProgramFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 16, 19, 0, tzinfo=dt.UTC)  # Monday 19:00 in London
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def checkin(patient, measure="nprs", due=TODAY, program=None, **fields):
    program = program or patient.programs.first() or ProgramFactory(patient=patient, start_date=due)
    return CheckIn.objects.create(
        patient=patient,
        program=program,
        measure=measure,
        due_date=due,
        due_at=dt.datetime.combine(due, dt.time(18), tzinfo=dt.UTC),
        **fields,
    )


def answered(patient, measure, due, answers, score, program=None):
    return checkin(
        patient,
        measure,
        due,
        program=program,
        answers=answers,
        score=score,
        answered_at=dt.datetime.combine(due, dt.time(19), tzinfo=dt.UTC),
    )


def test_list_shows_open_oldest_first_and_recent_newest_first(patient_client, patient):
    old_closed = checkin(patient, due=TODAY - dt.timedelta(days=7))
    done = answered(
        patient, "nprs", TODAY - dt.timedelta(days=14), {"current": 3, "best": 2, "worst": 5}, 3.33
    )
    psfs = checkin(patient, "psfs", TODAY - dt.timedelta(days=3))
    nprs = checkin(patient, "nprs", TODAY)
    checkin(patient, "nprs", TODAY - dt.timedelta(days=120))  # too old to list
    body = patient_client.get("/api/v1/me/checkins").json()
    assert [c["id"] for c in body["open"]] == [psfs.pk, nprs.pk]
    assert [c["id"] for c in body["recent"]] == [old_closed.pk, done.pk]
    assert [c["status"] for c in body["recent"]] == ["closed", "answered"]
    first = body["open"][1]
    assert first == {
        "id": nprs.pk,
        "measure": "nprs",
        "title": "Your pain this week",
        "status": "open",
        "due_date": "2026-03-16",
        "due_at": "2026-03-16T18:00:00Z",
        "closes_on": "2026-03-23",
        "answered_at": None,
        "answers": None,
        "score": None,
        "activities": None,
    }
    assert body["recent"][1]["answers"] == {"current": 3, "best": 2, "worst": 5}


def test_answering_nprs_stores_answers_and_score(patient_client, patient):
    nprs = checkin(patient)
    response = patient_client.post(
        f"/api/v1/me/checkins/{nprs.pk}", {"current": 4, "best": 2, "worst": 6}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "answered"
    assert response.json()["score"] == 4.0
    nprs.refresh_from_db()
    assert nprs.answers == {"current": 4, "best": 2, "worst": 6} and nprs.answered_at == NOW
    again = patient_client.post(
        f"/api/v1/me/checkins/{nprs.pk}", {"current": 4, "best": 2, "worst": 6}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "This check-in is already answered."


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"current": "4", "best": 2, "worst": 6},
            {"current": ["Must be a whole number (a JSON integer)."]},
        ),
        (
            {"current": 4, "best": 2, "worst": 11},
            {"worst": ["Ensure this value is less than or equal to 10."]},
        ),
        ({"current": 4, "best": 2, "worst": 6, "note": "x"}, {"note": ["Unknown field."]}),
        ({"current": 4, "best": 2}, {"worst": ["This field is required."]}),
        (
            {"current": 1, "best": 2, "worst": 6},
            {"current": ["Pain right now lies between its least and its worst of the week."]},
        ),
        ({"rating": 3}, {"rating": ["Unknown field."]}),  # a GROC body for an NPRS
    ],
)
def test_invalid_answers_are_field_errors_and_change_nothing(patient_client, patient, body, errors):
    nprs = checkin(patient)
    response = patient_client.post(f"/api/v1/me/checkins/{nprs.pk}", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors
    nprs.refresh_from_db()
    assert nprs.answered_at is None and nprs.answers is None


def test_psfs_names_activities_first_then_rerates_them(patient_client, patient):
    program = ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(days=14))
    first = checkin(patient, "psfs", TODAY - dt.timedelta(days=14), program=program)
    activities = [
        {"name": "Running 5 km", "score": 3},
        {"name": "Sitting at my desk", "score": 5},
        {"name": "Carrying shopping", "score": 4},
    ]
    response = patient_client.post(
        f"/api/v1/me/checkins/{first.pk}", {"activities": activities}, format="json"
    )
    # Closed: a PSFS stays open 14 days from its due date.
    assert response.status_code == 409
    CheckIn.objects.filter(pk=first.pk).update(due_date=TODAY - dt.timedelta(days=13))
    response = patient_client.post(
        f"/api/v1/me/checkins/{first.pk}", {"activities": activities}, format="json"
    )
    assert response.status_code == 200, response.json()
    later = checkin(patient, "psfs", TODAY, program=program)
    listed = patient_client.get("/api/v1/me/checkins").json()["open"]
    assert listed[0]["activities"] == ["Running 5 km", "Sitting at my desk", "Carrying shopping"]
    renamed = patient_client.post(
        f"/api/v1/me/checkins/{later.pk}", {"activities": activities}, format="json"
    )
    assert renamed.status_code == 400
    assert renamed.json()["errors"]["activities"] == ["Unknown field."]
    response = patient_client.post(
        f"/api/v1/me/checkins/{later.pk}", {"scores": [6, 7, 8]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["answers"]["activities"][0] == {"name": "Running 5 km", "score": 6}
    assert response.json()["score"] == 7.0


def test_first_psfs_needs_exactly_three_different_activities(patient_client, patient):
    psfs = checkin(patient, "psfs")
    two = [{"name": "Running", "score": 3}, {"name": "Sitting", "score": 5}]
    response = patient_client.post(
        f"/api/v1/me/checkins/{psfs.pk}", {"activities": two}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "activities": ["Ensure this field has at least 3 elements."]
    }
    same = [*two, {"name": "running", "score": 1}]
    response = patient_client.post(
        f"/api/v1/me/checkins/{psfs.pk}", {"activities": same}, format="json"
    )
    assert response.json()["errors"] == {"activities": ["Name three different activities."]}


def test_groc_rating(patient_client, patient):
    groc = checkin(patient, "groc")
    bad = patient_client.post(f"/api/v1/me/checkins/{groc.pk}", {"rating": -8}, format="json")
    assert bad.json()["errors"] == {"rating": ["Ensure this value is greater than or equal to -7."]}
    good = patient_client.post(f"/api/v1/me/checkins/{groc.pk}", {"rating": 5}, format="json")
    assert good.status_code == 200 and good.json()["answers"] == {"rating": 5}


def test_another_patients_checkin_is_a_404(patient_client, patient):
    other = PatientFactory(clinic=patient.clinic)
    theirs = checkin(other)
    response = patient_client.post(
        f"/api/v1/me/checkins/{theirs.pk}", {"current": 4, "best": 2, "worst": 6}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "No such check-in."
    theirs.refresh_from_db()
    assert theirs.answered_at is None
    assert patient_client.get("/api/v1/me/checkins").json() == {"open": [], "recent": []}


def test_clinicians_cannot_use_the_patient_endpoints(clinician_client, patient):
    nprs = checkin(patient)
    assert clinician_client.get("/api/v1/me/checkins").status_code == 403
    assert (
        clinician_client.post(f"/api/v1/me/checkins/{nprs.pk}", {}, format="json").status_code
        == 403
    )


def test_list_queries_do_not_grow_with_checkins(patient):
    client = auth_client(patient.user)

    def count(n):
        CheckIn.objects.filter(patient=patient).delete()
        for k in range(n):
            program = ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(days=k + 1))
            checkin(
                patient,
                ("psfs", "nprs", "groc")[k % 3],
                TODAY - dt.timedelta(days=k),
                program=program,
            )
            if k % 3 == 0 and k > 3:
                answered(
                    patient,
                    "psfs",
                    TODAY - dt.timedelta(days=k + 90),
                    {"activities": [{"name": f"a{i}", "score": 1} for i in range(3)]},
                    1.0,
                    program=program,
                )
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/me/checkins").json()
        assert len(body["open"]) + len(body["recent"]) >= min(n, 1)
        return len(ctx.captured_queries)

    assert count(1) == count(50)
