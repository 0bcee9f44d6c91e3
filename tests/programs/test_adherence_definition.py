"""One adherence definition: the patient list, the clinician's adherence report and
the patient's own /me/adherence give the same two rates for the same days."""

import datetime as dt

import pytest
import time_machine

from tests import factories
from tests.conftest import auth_client

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def rates_on_every_screen(clinician_client, patient) -> dict[str, tuple]:
    listed = clinician_client.get("/api/v1/patients").json()["results"]
    (row,) = [row for row in listed if row["id"] == patient.pk]
    report = clinician_client.get(
        f"/api/v1/patients/{patient.pk}/adherence?from={days_ago(6)}&to={TODAY}"
    ).json()["totals"]
    own = auth_client(patient.user).get("/api/v1/me/adherence").json()
    return {
        "patient list": (row["days_complete_rate"], row["items_done_rate"]),
        "patient adherence": (report["days_complete_rate"], report["items_done_rate"]),
        "me/adherence": (own["days_complete_rate"], own["items_done_rate"]),
    }


def test_every_screen_shows_the_same_two_rates(clinician_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(4))
    twice = factories.ProgramItemFactory(program=program, times_per_day=2)
    once = factories.ProgramItemFactory(program=program, times_per_day=1)
    logged = {4: (twice, twice, once), 3: (twice,), 1: (twice, twice, once), 0: (once,)}
    for n, items in logged.items():
        for item in items:
            factories.ExerciseLogFactory(item=item, date=days_ago(n))
    # Four finished days: two complete, 7 of 12 exercises done; today (1 of 3) is
    # still in progress and counts on no screen.
    expected = (50.0, 58.3)
    assert rates_on_every_screen(clinician_client, patient) == {
        "patient list": expected,
        "patient adherence": expected,
        "me/adherence": expected,
    }
    listed = clinician_client.get("/api/v1/patients").json()["results"][0]
    assert listed["last_7_days"] == 50.0  # the contract's name for the days rate
    own = auth_client(patient.user).get("/api/v1/me/adherence").json()
    assert own["last_7_days"] == 50.0
    assert own["last_30_days_rates"] == {"days_complete_rate": 50.0, "items_done_rate": 58.3}


def test_a_day_in_progress_gives_no_rate_anywhere(clinician_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=TODAY)
    twice = factories.ProgramItemFactory(program=program, times_per_day=2)
    factories.ProgramItemFactory(program=program, times_per_day=1)
    factories.ExerciseLogFactory(item=twice, date=TODAY)
    factories.ExerciseLogFactory(item=twice, date=TODAY)
    assert set(rates_on_every_screen(clinician_client, patient).values()) == {(None, None)}
    report = clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence").json()["totals"]
    assert (report["scheduled"], report["done"], report["rate"]) == (3, 2, None)


def test_the_rates_are_named_and_defined_in_the_schema(clinician_client):
    schema = clinician_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("PatientOut", "AdherenceTotals", "Adherence"):
        fields = schema[name]["properties"]
        for rate in ("days_complete_rate", "items_done_rate"):
            assert "counted days" in fields[rate]["description"], (name, rate)
    assert schema["AdherenceTotals"]["properties"]["rate"]["deprecated"] is True
