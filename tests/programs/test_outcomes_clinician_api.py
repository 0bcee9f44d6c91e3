"""Clinicians see each measure over time, whether it passed its MCID, and can sort by change."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.outcomes.models import CheckIn
from tests.conftest import auth_client
from tests.factories import ClinicianFactory, PatientFactory, ProgramFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)


def answer(patient, measure, week, answers, score):
    program = patient.programs.first() or ProgramFactory(patient=patient, start_date=START)
    due = START + dt.timedelta(days=7 * week)
    return CheckIn.objects.create(
        patient=patient,
        program=program,
        measure=measure,
        due_date=due,
        due_at=dt.datetime.combine(due, dt.time(18), tzinfo=dt.UTC),
        answered_at=dt.datetime.combine(due, dt.time(19), tzinfo=dt.UTC),
        answers=answers,
        score=score,
    )


def nprs(patient, week, current, best, worst):
    score = round((current + best + worst) / 3, 2)
    return answer(patient, "nprs", week, {"current": current, "best": best, "worst": worst}, score)


def psfs(patient, week, *scores):
    names = ["Running", "Sitting", "Lifting"]
    acts = [{"name": n, "score": s} for n, s in zip(names, scores, strict=True)]
    return answer(patient, "psfs", week, {"activities": acts}, round(sum(scores) / 3, 2))


def test_each_measure_over_time_with_its_mcid(clinician_client, patient):
    nprs(patient, 0, 6, 4, 8)  # 6.0
    nprs(patient, 1, 5, 3, 7)  # 5.0
    nprs(patient, 2, 4, 2, 6)  # 4.0: down 2 points, passed
    psfs(patient, 0, 2, 3, 4)  # 3.0
    psfs(patient, 2, 3, 4, 5)  # 4.0: up 1, not yet
    answer(patient, "groc", 3, {"rating": 4}, 4.0)
    response = clinician_client.get(f"/api/v1/patients/{patient.pk}/outcomes")
    assert response.status_code == 200
    measures = {m["measure"]: m for m in response.json()["measures"]}
    assert [p["score"] for p in measures["nprs"]["points"]] == [6.0, 5.0, 4.0]
    assert measures["nprs"]["mcid"] == {
        "baseline": 6.0,
        "latest": 4.0,
        "change": -2.0,
        "improvement": 2.0,
        "threshold": 1.8,
        "passed": True,
    }
    assert measures["nprs"]["lower_is_better"] is True
    assert measures["psfs"]["mcid"]["passed"] is False
    assert measures["psfs"]["mcid"]["improvement"] == 1.0
    assert measures["psfs"]["points"][0]["answers"]["activities"][0] == {
        "name": "Running",
        "score": 2,
    }
    assert measures["groc"]["mcid"] is None
    assert measures["groc"]["points"][0]["answers"] == {"rating": 4}


def test_one_answer_has_no_verdict_yet(clinician_client, patient):
    nprs(patient, 0, 6, 4, 8)
    body = clinician_client.get(f"/api/v1/patients/{patient.pk}/outcomes").json()
    assert body["measures"][0]["mcid"] is None and len(body["measures"][0]["points"]) == 1


def test_another_clinics_patient_is_a_404(clinician_client):
    stranger = PatientFactory()
    nprs(stranger, 0, 6, 4, 8)
    assert clinician_client.get(f"/api/v1/patients/{stranger.pk}/outcomes").status_code == 404


def test_outcome_queries_do_not_grow_with_answers(clinician, patient):
    client = auth_client(clinician.user)

    def count(weeks):
        CheckIn.objects.all().delete()
        for week in range(weeks):
            nprs(patient, week, 5, 3, 7)
            psfs(patient, week, 3, 4, 5)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/patients/{patient.pk}/outcomes").status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(50)


def test_patient_list_sorts_by_change_since_start(clinician_client, clinician):
    def make(name, first, last):
        p = PatientFactory(clinic=clinician.clinic, user__first_name=name)
        if first is not None:
            nprs(p, 0, first, first, first)
            nprs(p, 4, last, last, last)
        return p

    improved = make("Improved", 8, 3)  # -5
    same = make("Same", 5, 5)  # 0
    worse = make("Worse", 3, 6)  # +3
    silent = make("Silent", None, None)

    def order(sort):
        body = clinician_client.get("/api/v1/patients", {"ordering": sort}).json()
        return [row["id"] for row in body["results"]]

    assert order("nprs_change") == [improved.pk, same.pk, worse.pk, silent.pk]
    assert order("-nprs_change") == [worse.pk, same.pk, improved.pk, silent.pk]
    bad = clinician_client.get("/api/v1/patients", {"ordering": "pain"})
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["ordering"]


def test_sorted_patient_list_queries_do_not_grow(clinician):
    client = auth_client(clinician.user)

    def count(n):
        while clinician.clinic.patients.count() < n:
            p = PatientFactory(clinic=clinician.clinic)
            nprs(p, 0, 6, 6, 6)
            nprs(p, 2, 4, 4, 4)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(
                "/api/v1/patients", {"ordering": "-psfs_change", "page_size": 200}
            ).json()
        assert body["count"] == n
        return len(ctx.captured_queries)

    assert count(1) == count(50)


def test_clinician_of_same_clinic_sees_outcomes(patient):
    colleague = ClinicianFactory(clinic=patient.clinic)
    nprs(patient, 0, 6, 4, 8)
    response = auth_client(colleague.user).get(f"/api/v1/patients/{patient.pk}/outcomes")
    assert response.status_code == 200
