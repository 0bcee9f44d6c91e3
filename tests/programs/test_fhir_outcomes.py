"""Answered check-ins leave in the FHIR export as QuestionnaireResponse + Observation."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from programs.outcomes.models import CheckIn
from tests.factories import ProgramFactory, ProgramItemFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)
ACTIVITIES = [
    {"name": "Running 5 km", "score": 3},
    {"name": "Sitting at my desk", "score": 5},
    {"name": "Carrying shopping", "score": 4},
]


def answered(program, measure, day, answers, score):
    return CheckIn.objects.create(
        patient=program.patient,
        program=program,
        measure=measure,
        due_date=day,
        due_at=dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC),
        answered_at=dt.datetime.combine(day, dt.time(19, 5), tzinfo=dt.UTC),
        answers=answers,
        score=score,
    )


@pytest.fixture
def program(patient):
    program = ProgramFactory(
        patient=patient, start_date=START, end_date=START + dt.timedelta(days=28)
    )
    ProgramItemFactory(program=program)
    answered(program, "nprs", START, {"current": 5, "best": 3, "worst": 7}, 5.0)
    answered(program, "psfs", START, {"activities": ACTIVITIES}, 4.0)
    answered(program, "groc", START + dt.timedelta(days=28), {"rating": 4}, 4.0)
    CheckIn.objects.create(  # open: not exported
        patient=patient,
        program=program,
        measure="nprs",
        due_date=START + dt.timedelta(days=7),
        due_at=dt.datetime.combine(START + dt.timedelta(days=7), dt.time(18), tzinfo=dt.UTC),
    )
    return program


def export(client, patient) -> dict:
    response = client.get(f"/api/v1/fhir/Patient/{patient.pk}/$everything")
    assert response.status_code == 200
    return response.json()


def of_type(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_each_answered_checkin_is_a_valid_questionnaire_response(
    clinician_client, patient, program
):
    bundle = export(clinician_client, patient)
    responses = {r["id"]: r for r in of_type(bundle, "QuestionnaireResponse")}
    assert len(responses) == 3
    for resource in responses.values():
        get_fhir_model_class("QuestionnaireResponse").model_validate(resource)
    parsed = Bundle.model_validate(bundle)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == bundle
    nprs, psfs, groc = (
        responses[f"checkin-{c.pk}"]
        for c in CheckIn.objects.filter(answered_at__isnull=False).order_by("answered_at", "pk")
    )
    assert nprs["questionnaire"] == "https://hep.example/api/v1/fhir/Questionnaire/nprs"
    assert nprs["status"] == "completed" and nprs["authored"] == "2026-03-02T19:05:00Z"
    assert [(i["linkId"], i["answer"][0]["valueInteger"]) for i in nprs["item"]] == [
        ("current", 5),
        ("best", 3),
        ("worst", 7),
    ]
    first = psfs["item"][0]["item"]
    assert first[0]["answer"] == [{"valueString": "Running 5 km"}]
    assert first[1]["answer"] == [{"valueInteger": 3}]
    assert groc["item"][0]["answer"] == [{"valueInteger": 4}]


def test_each_score_is_an_observation_derived_from_its_response(clinician_client, patient, program):
    bundle = export(clinician_client, patient)
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    scores = [o for o in of_type(bundle, "Observation") if o["id"].startswith("checkin-score-")]
    assert sorted(
        (o["code"]["coding"][0]["code"], o["valueQuantity"]["value"]) for o in scores
    ) == [
        ("groc", 4.0),
        ("nprs", 5.0),
        ("psfs", 4.0),
    ]
    for observation in scores:
        get_fhir_model_class("Observation").model_validate(observation)
        assert observation["derivedFrom"][0]["reference"] in full_urls
        assert observation["basedOn"][0]["reference"] in full_urls
        assert observation["subject"]["reference"] in full_urls


def test_export_queries_do_not_grow_with_checkins(clinician_client, patient, program):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            export(clinician_client, patient)
        return len(ctx.captured_queries)

    small = count()
    for week in range(1, 50):
        answered(
            program,
            "nprs",
            START + dt.timedelta(days=7 * week + 1),
            {"current": 4, "best": 3, "worst": 6},
            4.33,
        )
    assert count() == small


def _link_ids(items) -> list[str]:
    ids = []
    for item in items:
        ids.append(item["linkId"])
        ids += _link_ids(item.get("item", []))
    return ids


def test_each_response_answers_a_questionnaire_in_the_bundle(clinician_client, patient, program):
    bundle = export(clinician_client, patient)
    questionnaires = {q["url"]: q for q in of_type(bundle, "Questionnaire")}
    base = "https://hep.example/api/v1/fhir/Questionnaire/"
    assert list(questionnaires) == [f"{base}nprs", f"{base}psfs", f"{base}groc"]
    for response in of_type(bundle, "QuestionnaireResponse"):
        questionnaire = questionnaires[response["questionnaire"]]
        get_fhir_model_class("Questionnaire").model_validate(questionnaire)
        assert questionnaire["status"] == "active"
        # Every answered item is a question of the questionnaire, with its text.
        asked = _link_ids(questionnaire["item"])
        assert set(_link_ids(response["item"])) <= set(asked)
    assert [i["linkId"] for i in questionnaires[f"{base}psfs"]["item"]] == [
        "activity-1",
        "activity-2",
        "activity-3",
    ]
    groc = questionnaires[f"{base}groc"]["item"][0]
    assert [e["valueInteger"] for e in groc["extension"]] == [-7, 7]


def test_only_the_questionnaires_of_answered_checkins_are_exported(clinician_client, patient):
    program = ProgramFactory(patient=patient, start_date=START)
    answered(program, "nprs", START, {"current": 5, "best": 3, "worst": 7}, 5.0)
    bundle = export(clinician_client, patient)
    assert [q["id"] for q in of_type(bundle, "Questionnaire")] == ["nprs"]


def test_a_questionnaire_is_read_by_its_measure(clinician_client, api_client, db):
    response = clinician_client.get("/api/v1/fhir/Questionnaire/psfs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = get_fhir_model_class("Questionnaire").model_validate(response.json())
    assert resource.url == "https://hep.example/api/v1/fhir/Questionnaire/psfs"
    assert clinician_client.get("/api/v1/fhir/Questionnaire/oswestry").status_code == 404
    assert api_client.get("/api/v1/fhir/Questionnaire/nprs").status_code == 401
