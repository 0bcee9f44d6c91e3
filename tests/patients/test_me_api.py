import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import auth_client

ME = "/api/v1/me"


def test_profile_shape(patient_client, patient):
    patient.quiet_start, patient.quiet_end = dt.time(22, 0), dt.time(7, 0)
    patient.remind_by_email = False
    patient.save()
    response = patient_client.get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "id": patient.pk,
        "first_name": patient.user.first_name,
        "last_name": patient.user.last_name,
        "email": patient.user.email,
        "timezone": "Europe/London",
        "clinic": {"id": patient.clinic.pk, "name": patient.clinic.name},
        "reminders": {
            "enabled": True,
            "local_time": "18:00",
            "channels": ["push"],
            "quiet_hours": {"start": "22:00", "end": "07:00"},
        },
    }


def test_no_quiet_hours_is_null(patient_client):
    assert patient_client.get(ME).json()["reminders"]["quiet_hours"] is None


def test_change_time_zone(patient_client, patient):
    response = patient_client.patch(ME, {"timezone": "America/Chicago"}, format="json")
    assert response.status_code == 200
    assert response.json()["timezone"] == "America/Chicago"
    patient.refresh_from_db()
    assert patient.timezone == "America/Chicago"


@pytest.mark.parametrize("value", ["Mars/Olympus", "EST5EDT ", "", "localtime", 5, None])
def test_time_zone_must_be_an_iana_name(patient_client, patient, value):
    response = patient_client.patch(ME, {"timezone": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timezone"]
    patient.refresh_from_db()
    assert patient.timezone == "Europe/London"


def test_reminders_update_partially(patient_client, patient):
    response = patient_client.patch(ME, {"reminders": {"local_time": "07:15"}}, format="json")
    assert response.status_code == 200
    assert response.json()["reminders"] == {
        "enabled": True,
        "local_time": "07:15",
        "channels": ["push", "email"],
        "quiet_hours": None,
    }
    response = patient_client.patch(
        ME,
        {
            "reminders": {
                "enabled": False,
                "channels": ["email"],
                "quiet_hours": {"start": "21:30", "end": "06:00"},
            }
        },
        format="json",
    )
    assert response.json()["reminders"] == {
        "enabled": False,
        "local_time": "07:15",
        "channels": ["email"],
        "quiet_hours": {"start": "21:30", "end": "06:00"},
    }
    patient.refresh_from_db()
    assert (patient.remind_by_push, patient.remind_by_email) == (False, True)
    assert (patient.quiet_start, patient.quiet_end) == (dt.time(21, 30), dt.time(6, 0))
    cleared = patient_client.patch(ME, {"reminders": {"quiet_hours": None}}, format="json")
    assert cleared.json()["reminders"]["quiet_hours"] is None
    assert (
        patient_client.patch(ME, {"reminders": {"channels": []}}, format="json").json()[
            "reminders"
        ]["channels"]
        == []
    )


@pytest.mark.parametrize(
    "reminders, field",
    [
        ({"local_time": "24:00"}, "local_time"),
        ({"local_time": "7:00"}, "local_time"),
        ({"local_time": "07:60"}, "local_time"),
        ({"local_time": "07:00:00"}, "local_time"),
        ({"local_time": "07:00\n"}, "local_time"),
        ({"local_time": 700}, "local_time"),
        ({"local_time": None}, "local_time"),
        ({"enabled": "sometimes"}, "enabled"),
        ({"channels": ["push", "push"]}, "channels"),
        ({"channels": ["sms"]}, "channels"),
        ({"channels": "push"}, "channels"),
        ({"quiet_hours": {"start": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "22:00", "end": "25:00"}}, "quiet_hours"),
        ({"quiet_hours": "22:00-07:00"}, "quiet_hours"),
        ({"snooze": True}, "snooze"),
    ],
)
def test_reminder_field_errors_change_nothing(patient_client, patient, reminders, field):
    before = patient_client.get(ME).json()
    response = patient_client.patch(
        ME, {"timezone": "Asia/Tokyo", "reminders": reminders}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["reminders"]
    assert list(response.json()["errors"]["reminders"]) == [field]
    assert patient_client.get(ME).json() == before


@pytest.mark.parametrize(
    "body, message",
    [
        ({"email": "new@example.com"}, "This field cannot be changed."),
        ({"favourite_colour": "blue"}, "Unknown field."),
    ],
)
def test_other_fields_cannot_be_patched(patient_client, body, message):
    response = patient_client.patch(ME, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {next(iter(body)): [message]}


@pytest.mark.parametrize("raw", [b"{oops", b"[]", b'"x"'])
def test_malformed_patch_bodies_answer_400(patient_client, raw):
    assert patient_client.patch(ME, raw, content_type="application/json").status_code == 400


def test_roles_and_tokens(api_client, clinician_client, db):
    assert api_client.get(ME).status_code == 401
    assert clinician_client.get(ME).status_code == 403
    assert clinician_client.patch(ME, {"timezone": "UTC"}, format="json").status_code == 403
    api_client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api_client.get(ME).status_code == 401


def test_profile_query_count_does_not_depend_on_programs(db):
    counts = []
    for n in (1, 50):
        patient = factories.PatientFactory()
        for _ in range(n):
            factories.ProgramItemFactory(program=factories.ProgramFactory(patient=patient))
        client = auth_client(patient.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ME).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_schema_describes_the_patient_api(api_client, db):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json() if "json" in response["Content-Type"] else None
    text = response.content.decode()
    for path in (
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/activate",
        "/api/v1/me",
        "/api/v1/me/today",
        "/api/v1/me/days",
        "/api/v1/me/logs",
        "/api/v1/me/adherence",
    ):
        assert f"{path}:" in text or (schema and path in schema["paths"])


@pytest.mark.parametrize(
    ("quiet", "at"),
    [(("12:00", "14:00"), "12:00"), (("12:00", "14:00"), "13:59"), (("22:00", "07:00"), "23:30")],
)
def test_a_reminder_time_inside_quiet_hours_is_refused(patient_client, patient, quiet, at):
    patient.quiet_start, patient.quiet_end = (dt.time.fromisoformat(t) for t in quiet)
    patient.save()
    response = patient_client.patch(ME, {"reminders": {"local_time": at}}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reminders": {
            "local_time": [
                f"{at} is inside your quiet hours ({quiet[0]}-{quiet[1]}), so no reminder "
                "would arrive. Choose a time outside them."
            ]
        }
    }
    patient.refresh_from_db()
    assert patient.reminder_time == dt.time(18, 0)
    edge = patient_client.patch(ME, {"reminders": {"local_time": quiet[1]}}, format="json")
    assert edge.status_code == 200  # quiet hours end before their end time


def test_quiet_hours_that_cover_the_reminder_time_are_refused(patient_client, patient):
    body = {"reminders": {"quiet_hours": {"start": "17:00", "end": "19:00"}}}
    response = patient_client.patch(ME, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]["reminders"]) == ["quiet_hours"]
    assert "reminder time (18:00)" in response.json()["errors"]["reminders"]["quiet_hours"][0]
    patient.refresh_from_db()
    assert patient.quiet_start is None
    both = {"reminders": {"local_time": "20:00", "quiet_hours": {"start": "17:00", "end": "19:00"}}}
    assert patient_client.patch(ME, both, format="json").status_code == 200
    patient.refresh_from_db()
    assert (patient.reminder_time, patient.quiet_start) == (dt.time(20, 0), dt.time(17, 0))
