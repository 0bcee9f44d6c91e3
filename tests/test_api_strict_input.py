"""The API takes input as sent: JSON types, ISO dates, known keys, no control characters."""

import datetime as dt
import uuid

import pytest
import time_machine

from notifications.models import Device
from patients.models import Patient
from programs.models import Exercise, ExerciseLog
from tests import factories

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(30))
    return factories.ProgramItemFactory(program=program, version=1)


def a_log(prescribed, /, **overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "item": prescribed.pk,
        "date": "2026-11-25",
        "completed": True,
        "sets_done": 2,
        "pain": 3,
        "note": "ok",
        "performed_at": "2026-11-25T11:30:00Z",
    }
    return {**body, **overrides}


def field_errors(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["errors"]


def new_patient(**overrides) -> dict:
    body = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "timezone": "Europe/London",
    }
    return {**body, **overrides}


def new_exercise(**overrides) -> dict:
    return {"slug": "my-bridge", "name": "Bridge", "category": "core_anti_extension", **overrides}


# --- item 11: control and bidi characters ------------------------------------------


@pytest.mark.parametrize("name", ["\x1b[31mAda", "Ada\u202e", "A\x07da", "Ada\nLovelace", "A\tda"])
def test_control_characters_in_names_are_refused(clinician_client, name):
    response = clinician_client.post("/api/v1/patients", new_patient(first_name=name))
    assert "first_name" in field_errors(response)
    assert not Patient.objects.exists()


@pytest.mark.parametrize("note", ["\x1b[31mred", "evil\u202eboring", "ding\x07", "a\rb"])
def test_control_characters_in_free_text_are_refused(patient_client, item, note):
    response = patient_client.post("/api/v1/me/logs", {"logs": [a_log(item, note=note)]})
    assert "note" in field_errors(response)["logs"]["0"]
    assert not ExerciseLog.objects.exists()


def test_newline_and_tab_are_fine_in_free_text(patient_client, item):
    response = patient_client.post(
        "/api/v1/me/logs", {"logs": [a_log(item, note="line one\n\tline two")]}
    )
    assert response.status_code == 200, response.json()
    assert ExerciseLog.objects.get().note == "line one\n\tline two"


def test_control_characters_in_exercise_steps_and_names(clinician_client):
    response = clinician_client.post(
        "/api/v1/exercises",
        new_exercise(name="Bridge\u202e", instructions=["Lie down", "Lift\x1b[0m"]),
    )
    errors = field_errors(response)
    assert set(errors) == {"name", "instructions"}
    assert list(errors["instructions"]) == ["1"]


# --- item 12: loose coercion -------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("completed", "yes"),
        ("completed", 1),
        ("pain", "7"),
        ("pain", 7.0),
        ("pain", True),
        ("item", "12"),
        ("date", "20261125"),
        ("date", "2026-11-5"),
        ("date", 20261125),
        ("performed_at", "20261125T113000Z"),
        ("note", 5),
    ],
)
def test_log_fields_take_json_types_and_iso_dates_only(patient_client, item, field, value):
    response = patient_client.post("/api/v1/me/logs", {"logs": [a_log(item, **{field: value})]})
    assert field in field_errors(response)["logs"]["0"]
    assert not ExerciseLog.objects.exists()


@pytest.mark.parametrize(
    "field, value", [("first_name", 1), ("email", ["a@example.com"]), ("timezone", 0)]
)
def test_patient_fields_are_strings(clinician_client, field, value):
    response = clinician_client.post("/api/v1/patients", new_patient(**{field: value}))
    assert field in field_errors(response)


def test_program_dates_are_iso(clinician_client, patient):
    body = {"name": "Core", "start_date": "2026-1-1", "items": [{"exercise": "clamshell"}]}
    response = clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body)
    assert "start_date" in field_errors(response)


def test_weekdays_are_json_integers(clinician_client, patient):
    factories.ExerciseFactory(slug="clamshell")
    body = {
        "name": "Core",
        "start_date": "2026-11-25",
        "items": [{"exercise": "clamshell", "days_of_week": ["1", 3]}],
    }
    response = clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body)
    assert list(field_errors(response)["items"]["0"]["days_of_week"]) == ["0"]


def test_choices_must_be_exact_and_are_not_echoed(clinician_client):
    response = clinician_client.post(
        "/api/v1/exercises", new_exercise(category="<b>core_lateral</b>")
    )
    message = field_errors(response)["category"][0]
    assert "<b>" not in message and "core_lateral" in message


def test_reminder_booleans_are_json_booleans(patient_client):
    response = patient_client.patch("/api/v1/me", {"reminders": {"enabled": "false"}})
    assert "enabled" in field_errors(response)["reminders"]


# --- item 13: contradictions -------------------------------------------------------


def test_a_log_not_completed_cannot_record_work_done(patient_client, item):
    response = patient_client.post(
        "/api/v1/me/logs", {"logs": [a_log(item, completed=False, sets_done=100)]}
    )
    assert "sets_done" in field_errors(response)["logs"]["0"]
    skipped = a_log(item, completed=False, sets_done=0)
    assert patient_client.post("/api/v1/me/logs", {"logs": [skipped]}).status_code == 200


def test_reminders_enabled_need_a_channel(patient_client, patient):
    response = patient_client.patch("/api/v1/me", {"reminders": {"enabled": True, "channels": []}})
    assert "channels" in field_errors(response)["reminders"]
    # Already enabled: emptying the channels alone is the same contradiction.
    response = patient_client.patch("/api/v1/me", {"reminders": {"channels": []}})
    assert "channels" in field_errors(response)["reminders"]
    # Turning reminders off with no channels is consistent.
    response = patient_client.patch("/api/v1/me", {"reminders": {"enabled": False, "channels": []}})
    assert response.status_code == 200, response.json()


def test_equipment_none_cannot_come_with_equipment(clinician_client):
    response = clinician_client.post("/api/v1/exercises", new_exercise(equipment=["none", "mat"]))
    assert "equipment" in field_errors(response)
    assert not Exercise.objects.filter(slug="my-bridge").exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://media.example.com/a.mp4",
        "http://media.example.com/a.mp4",
        "https://localhost/a.mp4",
        "https://127.0.0.1/a.mp4",
        "https://[::1]/a.mp4",
        "https://user:pw@media.example.com/a.mp4",
    ],
)
def test_media_urls_are_public_https(clinician_client, url):
    response = clinician_client.post("/api/v1/exercises", new_exercise(media_urls=[url]))
    assert list(field_errors(response)["media_urls"]) == ["0"]


def test_a_public_https_media_url_is_fine(clinician_client):
    body = new_exercise(media_urls=["https://media.example.com/bridge.mp4"])
    assert clinician_client.post("/api/v1/exercises", body).status_code == 201


@pytest.mark.parametrize("token", ["abcdefgh:APA91b\nInjected", "abcdefgh\x00ijkl", "abc def ghi"])
def test_fcm_tokens_are_one_clean_word(patient_client, token):
    response = patient_client.post("/api/v1/me/devices", {"platform": "fcm", "token": token})
    assert "token" in field_errors(response)
    assert not Device.objects.exists()


# --- item 14: unknown fields -------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v1/auth/login", {"email": "a@example.com", "password": "x", "pasword": 1}),
        ("post", "/api/v1/auth/activate", {"code": "x", "password": "y", "extra": 1}),
        ("post", "/api/v1/me/devices", {"platform": "fcm", "token": "abcdefgh", "extra": 1}),
        ("post", "/api/v1/exercises", {**new_exercise(), "extra": 1}),
        ("post", "/api/v1/templates", {"name": "T", "items": [], "extra": 1}),
        ("post", "/api/v1/patients", {**new_patient(), "extra": 1}),
    ],
)
def test_unknown_fields_are_named_in_a_400(patient_client, clinician_client, method, path, body):
    client = patient_client if path.startswith("/api/v1/me") else clinician_client
    if path.startswith("/api/v1/auth"):
        client = patient_client
    response = getattr(client, method)(path, body)
    assert field_errors(response)["extra" if "extra" in body else "pasword"] == ["Unknown field."]


def test_unknown_fields_inside_logs_and_lines_are_named(patient_client, clinician_client, item):
    response = patient_client.post("/api/v1/me/logs", {"logs": [a_log(item, painn=3)]})
    assert field_errors(response)["logs"]["0"] == {"painn": ["Unknown field."]}
    program = item.program
    response = clinician_client.patch(
        f"/api/v1/programs/{program.pk}", {"items": [{"exercise": "x", "sets_": 3}]}
    )
    assert field_errors(response, 404 if response.status_code == 404 else 400)


def test_a_typo_in_a_patient_patch_is_not_silently_dropped(clinician_client, patient):
    response = clinician_client.patch(f"/api/v1/patients/{patient.pk}", {"frist_name": "Eve"})
    assert field_errors(response) == {"frist_name": ["Unknown field."]}
