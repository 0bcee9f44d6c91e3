"""Phased protocols over the API: a protocol written and read back with its
phases, a program that says where it stands, and phase suggestions decided like
any other."""

import datetime as dt

import pytest
import time_machine

from programs.services.phases import phases_daily_pass
from programs.suggestion_models import Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
START = "2026-03-02"


@pytest.fixture
def exercises(db):
    return [factories.ExerciseFactory(slug=s) for s in ("cat-camel", "dead-bug", "easy-run")]


def line(slug, order, **extra):
    return {"exercise": slug, "order": order, "sets": 2, "reps": 10, **extra}


PHASES = [
    {
        "name": "Mobility and activation",
        "weeks": 2,
        "advance": "approval",
        "description": "Get moving again.",
        "items": [line("cat-camel", 1), line("dead-bug", 2)],
    },
    {"name": "Strength", "weeks": 3, "advance": "date", "items": [line("dead-bug", 3, sets=3)]},
]


def create(client) -> dict:
    response = client.post(
        "/api/v1/templates", {"name": "Back to running", "phases": PHASES}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_phased_protocol_round_trips(clinician_client, exercises):
    body = create(clinician_client)
    assert [
        (p["order"], p["name"], p["weeks"], p["advance"], [i["exercise"] for i in p["items"]])
        for p in body["phases"]
    ] == [
        (1, "Mobility and activation", 2, "approval", ["cat-camel", "dead-bug"]),
        (2, "Strength", 3, "date", ["dead-bug"]),
    ]
    assert body["phases"][0]["description"] == "Get moving again."
    assert [i["order"] for i in body["items"]] == [1, 2, 3]
    read = clinician_client.get(f"/api/v1/templates/{body['id']}").json()
    assert read["phases"] == body["phases"]

    renamed = [{**PHASES[0], "name": "Mobility"}, PHASES[1]]
    patched = clinician_client.patch(
        f"/api/v1/templates/{body['id']}", {"phases": renamed}, format="json"
    ).json()
    assert [p["name"] for p in patched["phases"]] == ["Mobility", "Strength"]
    flat = clinician_client.patch(
        f"/api/v1/templates/{body['id']}", {"items": [line("easy-run", 1)]}, format="json"
    ).json()
    assert flat["phases"] == [] and [i["exercise"] for i in flat["items"]] == ["easy-run"]


def test_phases_and_items_together_or_an_empty_phase_are_refused(clinician_client, exercises):
    both = {"name": "X", "items": [line("cat-camel", 1)], "phases": PHASES}
    empty = {"name": "X", "phases": [PHASES[0], {**PHASES[1], "items": []}]}
    repeated = {"name": "X", "phases": [PHASES[0], {**PHASES[1], "items": [line("easy-run", 1)]}]}
    for payload in (both, empty, repeated):
        response = clinician_client.post("/api/v1/templates", payload, format="json")
        assert response.status_code == 400, payload


def test_another_clinics_phased_protocol_is_a_404(clinician_client, patient, exercises):
    other = factories.ProgramTemplateFactory(clinic=factories.ClinicFactory())
    factories.TemplatePhaseFactory(template=other, order=1)
    assert clinician_client.get(f"/api/v1/templates/{other.pk}").status_code == 404
    patch = clinician_client.patch(
        f"/api/v1/templates/{other.pk}", {"phases": PHASES}, format="json"
    )
    assert patch.status_code == 404
    assigned = clinician_client.post(
        f"/api/v1/patients/{patient.pk}/programs",
        {"name": "Borrowed", "template": other.pk, "start_date": START},
        format="json",
    )
    assert assigned.status_code == 404


def assign(client, patient, template_id) -> dict:
    response = client.post(
        f"/api/v1/patients/{patient.pk}/programs",
        {"name": "Back to running", "template": template_id, "start_date": START},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_program_says_its_phase_and_the_suggestion_moves_it(clinician_client, patient, exercises):
    template = create(clinician_client)
    program = assign(clinician_client, patient, template["id"])
    assert [i["exercise"] for i in program["items"]] == ["cat-camel", "dead-bug"]
    assert program["phase"] == {
        "order": 1,
        "of": 2,
        "name": "Mobility and activation",
        "description": "Get moving again.",
        "started_on": START,
        "next": {"order": 2, "name": "Strength", "advance": "approval", "on": "2026-03-16"},
    }
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC), tick=False):
        assert phases_daily_pass()["raised"] == 1
        listed = clinician_client.get("/api/v1/suggestions").json()["results"]
        (suggestion,) = listed
        assert (suggestion["kind"], suggestion["line_key"], suggestion["exercise"]) == (
            "phase",
            None,
            None,
        )
        assert suggestion["phase"] == {"order": 2, "name": "Strength"}
        accepted = clinician_client.post(f"/api/v1/suggestions/{suggestion['id']}/accept")
        assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
        moved = clinician_client.get(f"/api/v1/programs/{program['id']}").json()
    assert moved["version"] == 2
    assert moved["phase"]["order"] == 2 and moved["phase"]["next"] is None
    assert moved["phase"]["started_on"] == "2026-03-16"
    assert [(i["exercise"], i["sets"]) for i in moved["items"]] == [("dead-bug", 3)]
    assert Suggestion.objects.get().status == Suggestion.Status.ACCEPTED
