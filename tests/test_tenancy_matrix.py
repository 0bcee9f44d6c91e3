"""Every clinician endpoint, every method: another clinic's ids (in the path or in
the body) answer 404, a patient's token 403, no token 401."""

import datetime as dt

import pytest

from programs.models import Alert, Exercise, Program, ProgramTemplate
from programs.suggestion_models import Suggestion
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clinician, patient):
    own_exercise = factories.ExerciseFactory(slug="shared-global")
    own_template = factories.ProgramTemplateFactory(clinic=clinician.clinic)
    factories.TemplateItemFactory(template=own_template, exercise=own_exercise, order=1)
    own_program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 1, 1))
    own_item = factories.ProgramItemFactory(program=own_program, exercise=own_exercise)

    other_clinic = factories.ClinicFactory()
    other_clinician = factories.ClinicianFactory(clinic=other_clinic)
    other_patient = factories.PatientFactory(clinic=other_clinic)
    other_exercise = factories.ExerciseFactory(clinic=other_clinic, slug="their-private")
    other_template = factories.ProgramTemplateFactory(clinic=other_clinic)
    factories.TemplateItemFactory(template=other_template, exercise=other_exercise, order=1)
    other_program = factories.ProgramFactory(patient=other_patient)
    factories.ProgramItemFactory(program=other_program, exercise=other_exercise)
    other_alert = Alert.objects.create(
        clinic=other_clinic, patient=other_patient, kind="high_pain", date=dt.date(2026, 1, 1)
    )
    other_item = other_program.items.get()
    other_suggestion = Suggestion.objects.create(
        clinic=other_clinic,
        patient=other_patient,
        program=other_program,
        line_key=other_item.key,
        item=other_item,
        kind="advance",
        evidence="4 of 4 sessions complete",
        change="more reps",
        to_exercise=other_exercise,
        window_start=dt.date(2026, 1, 1),
        window_end=dt.date(2026, 1, 4),
    )
    return {
        "other_suggestion": other_suggestion.pk,
        "patient": patient.pk,
        "program": own_program.pk,
        "template": own_template.pk,
        "key": str(own_item.key),
        "other_clinician": other_clinician.pk,
        "other_patient": other_patient.pk,
        "other_exercise": other_exercise.slug,
        "other_template": other_template.pk,
        "other_program": other_program.pk,
        "other_alert": other_alert.pk,
    }


def line(slug):
    return {"exercise": slug, "order": 1, "sets": 2, "reps": 10}


NEW_PATIENT = {"first_name": "A", "last_name": "B", "email": "new@example.com", "timezone": "UTC"}
NEW_PROGRAM = {"name": "P", "start_date": "2026-11-25"}

# (method, path, body); {names} are filled from the world fixture.
FOREIGN_PATH = [
    ("get", "/api/v1/exercises/{other_exercise}", None),
    ("patch", "/api/v1/exercises/{other_exercise}", {"level": 2}),
    ("get", "/api/v1/templates/{other_template}", None),
    ("patch", "/api/v1/templates/{other_template}", {"name": "x"}),
    ("get", "/api/v1/patients/{other_patient}", None),
    ("patch", "/api/v1/patients/{other_patient}", {"first_name": "x"}),
    ("post", "/api/v1/patients/{other_patient}/invite", None),
    ("get", "/api/v1/patients/{other_patient}/programs", None),
    (
        "post",
        "/api/v1/patients/{other_patient}/programs",
        {**NEW_PROGRAM, "items": [line("shared-global")]},
    ),
    ("get", "/api/v1/patients/{other_patient}/adherence", None),
    ("get", "/api/v1/programs/{other_program}", None),
    ("patch", "/api/v1/programs/{other_program}", {"name": "x"}),
    ("post", "/api/v1/programs/{other_program}/pause", None),
    ("post", "/api/v1/programs/{other_program}/resume", None),
    ("post", "/api/v1/programs/{other_program}/complete", None),
    ("post", "/api/v1/alerts/{other_alert}/resolve", None),
    ("post", "/api/v1/suggestions/{other_suggestion}/accept", None),
    ("post", "/api/v1/suggestions/{other_suggestion}/dismiss", None),
    ("get", "/api/v1/fhir/Patient/{other_patient}/$everything", None),
    ("get", "/api/v1/patients/{other_patient}/fhir", None),
    ("get", "/api/v1/patients/{other_patient}/logs.csv", None),
]
FOREIGN_BODY = [
    (
        "post",
        "/api/v1/exercises",
        {"slug": "mine", "name": "M", "category": "stretch", "regression": "{other_exercise}"},
    ),
    ("patch", "/api/v1/templates/{template}", {"items": [line("{other_exercise}")]}),
    ("post", "/api/v1/templates", {"name": "T", "items": [line("{other_exercise}")]}),
    ("post", "/api/v1/patients", {**NEW_PATIENT, "primary_clinician": "{other_clinician}"}),
    ("patch", "/api/v1/patients/{patient}", {"primary_clinician": "{other_clinician}"}),
    (
        "post",
        "/api/v1/patients/{patient}/programs",
        {**NEW_PROGRAM, "template": "{other_template}"},
    ),
    (
        "post",
        "/api/v1/patients/{patient}/programs",
        {**NEW_PROGRAM, "items": [line("{other_exercise}")]},
    ),
    (
        "patch",
        "/api/v1/programs/{program}",
        {"items": [{"key": "{key}", "exercise": "{other_exercise}"}]},
    ),
]
OWN = [
    ("get", "/api/v1/exercises", None),
    ("post", "/api/v1/exercises", {"slug": "mine", "name": "M", "category": "stretch"}),
    ("patch", "/api/v1/exercises/shared-global", {"level": 2}),
    ("get", "/api/v1/templates", None),
    ("post", "/api/v1/templates", {"name": "T", "items": [line("shared-global")]}),
    ("get", "/api/v1/templates/{template}", None),
    ("patch", "/api/v1/templates/{template}", {"name": "x"}),
    ("get", "/api/v1/patients", None),
    ("post", "/api/v1/patients", NEW_PATIENT),
    ("get", "/api/v1/patients/{patient}", None),
    ("patch", "/api/v1/patients/{patient}", {"first_name": "x"}),
    ("post", "/api/v1/patients/{patient}/invite", None),
    ("get", "/api/v1/patients/{patient}/programs", None),
    (
        "post",
        "/api/v1/patients/{patient}/programs",
        {**NEW_PROGRAM, "items": [line("shared-global")]},
    ),
    ("get", "/api/v1/patients/{patient}/adherence", None),
    ("get", "/api/v1/programs/{program}", None),
    ("patch", "/api/v1/programs/{program}", {"name": "x"}),
    ("post", "/api/v1/programs/{program}/pause", None),
    ("post", "/api/v1/programs/{program}/resume", None),
    ("post", "/api/v1/programs/{program}/complete", None),
    ("get", "/api/v1/alerts", None),
    ("get", "/api/v1/suggestions", None),
    ("post", "/api/v1/alerts/{other_alert}/resolve", None),
    ("get", "/api/v1/fhir/Patient/{patient}/$everything", None),
    ("get", "/api/v1/fhir/metadata", None),
    ("get", "/api/v1/patients/{patient}/logs.csv", None),
    ("get", "/api/v1/reports/adherence.csv", None),
]


def fill(value, world):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in world:
            return world[value[1:-1]]
        return value.format(**world)
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


def call(client, method, path, body, world):
    return getattr(client, method)(fill(path, world), fill(body, world))


def nothing_changed():
    return (
        Program.objects.filter(name__in=["P", "x"]).count(),
        ProgramTemplate.objects.filter(name__in=["T", "x"]).count(),
        Exercise.objects.filter(slug="mine").count(),
    ) == (0, 0, 0)


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN_PATH + FOREIGN_BODY)
def test_another_clinics_objects_answer_404(clinician_client, world, method, path, body):
    response = call(clinician_client, method, path, body, world)
    assert response.status_code == 404, (response.status_code, response.json())
    assert response.json()["status"] == 404
    assert nothing_changed()


# Patients may read an exercise of their own programs (404 otherwise): tested below.
PATIENT_FORBIDDEN = [
    case for case in OWN + FOREIGN_PATH if case[:2] != ("get", "/api/v1/exercises/{other_exercise}")
]


@pytest.mark.parametrize(("method", "path", "body"), PATIENT_FORBIDDEN)
def test_patients_get_403(patient, world, method, path, body):
    client = auth_client(patient.user)
    assert call(client, method, path, body, world).status_code == 403


@pytest.mark.parametrize(("method", "path", "body"), OWN + FOREIGN_PATH)
def test_no_token_gets_401(api_client, world, method, path, body):
    assert call(api_client, method, path, body, world).status_code == 401


def test_patient_reading_another_clinics_exercise_gets_404(patient_client, world):
    assert patient_client.get("/api/v1/exercises/their-private").status_code == 404
    assert patient_client.get("/api/v1/exercises/shared-global").status_code == 200


def test_lists_show_only_own_clinic(clinician_client, world):
    patients = clinician_client.get("/api/v1/patients").json()["results"]
    assert [row["id"] for row in patients] == [world["patient"]]
    templates = clinician_client.get("/api/v1/templates").json()["results"]
    assert [row["id"] for row in templates] == [world["template"]]
    exercises = clinician_client.get("/api/v1/exercises").json()["results"]
    assert [row["slug"] for row in exercises] == ["shared-global"]
    statuses = clinician_client.get("/api/v1/alerts?status=open").json()["results"]
    assert statuses == []
    assert clinician_client.get("/api/v1/suggestions").json()["results"] == []
