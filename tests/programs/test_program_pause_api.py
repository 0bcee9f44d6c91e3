"""POST /api/v1/programs/{id}/pause: from today, or from an earlier `from`; no `until`."""

import datetime as dt

import pytest
import time_machine

from programs.models import ProgramPause
from tests import factories

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def program(patient):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 11, 1))
    factories.ProgramItemFactory(program=program)
    return program


def pause(client, program, body=None):
    return client.post(f"/api/v1/programs/{program.pk}/pause", body, format="json")


def adherence_days(client, program, start, end):
    url = f"/api/v1/patients/{program.patient_id}/adherence?from={start}&to={end}"
    return {day["date"]: day["scheduled"] for day in client.get(url).json()["days"]}


def test_a_pause_from_an_earlier_date_shows_those_days_as_paused(clinician_client, program):
    assert adherence_days(clinician_client, program, "2026-11-22", "2026-11-24")["2026-11-23"] == 1
    response = pause(clinician_client, program, {"from": "2026-11-23"})
    assert response.status_code == 200, response.json()
    assert response.json()["pauses"] == [{"start": "2026-11-23", "end": None}]
    days = adherence_days(clinician_client, program, "2026-11-22", "2026-11-24")
    assert days == {"2026-11-22": 1, "2026-11-23": 0, "2026-11-24": 0}


def test_without_a_body_the_pause_starts_today(clinician_client, program):
    assert pause(clinician_client, program).json()["pauses"] == [
        {"start": "2026-11-25", "end": None}
    ]


def test_until_is_refused_rather_than_ignored(clinician_client, program):
    response = pause(clinician_client, program, {"until": "2026-12-01"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["until"]
    assert "until the program is resumed" in response.json()["errors"]["until"][0]
    assert not ProgramPause.objects.exists()


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("2026-11-26", "A pause starts today (2026-11-25) at the latest"),
        ("2026-10-31", "The program starts on 2026-11-01"),
        ("2026-11-20", "An earlier pause lasted until 2026-11-21"),
        ("2026-11-22", "The patient logged exercises on 2026-11-22"),
        ("25/11/2026", "Date has wrong format"),
    ],
)
def test_a_from_date_that_cannot_hold_is_a_field_error(clinician_client, program, start, reason):
    ProgramPause.objects.create(
        program=program, start=dt.date(2026, 11, 18), end=dt.date(2026, 11, 21)
    )
    factories.ExerciseLogFactory(item=program.items.get(), date=dt.date(2026, 11, 22))
    response = pause(clinician_client, program, {"from": start})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["from"]
    assert message.startswith(reason)
    assert ProgramPause.objects.count() == 1
    program.refresh_from_db()
    assert program.status == "active"
