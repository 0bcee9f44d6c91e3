import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from patients.services.invites import activation_code_issue
from programs.models import days_to_mask
from tests import factories
from tests.conftest import auth_client

DAYS = "/api/v1/me/days"
ADHERENCE = "/api/v1/me/adherence"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


def days_ago(n: int) -> dt.date:
    return WEDNESDAY - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(9))
    return factories.ProgramItemFactory(program=program, times_per_day=2)


def test_days_over_a_range(patient_client, item):
    factories.ExerciseLogFactory(item=item, date=days_ago(1))
    factories.ExerciseLogFactory(item=item, date=days_ago(1))
    factories.ExerciseLogFactory(item=item, date=days_ago(2))
    response = patient_client.get(DAYS, {"from": "2026-11-14", "to": "2026-11-25"})
    assert response.status_code == 200
    body = response.json()
    assert [day["date"] for day in body][:3] == ["2026-11-14", "2026-11-15", "2026-11-16"]
    assert body[0] == {"date": "2026-11-14", "scheduled": 0, "done": 0, "complete": False}
    assert body[-3:] == [
        {"date": "2026-11-23", "scheduled": 2, "done": 1, "complete": False},
        {"date": "2026-11-24", "scheduled": 2, "done": 2, "complete": True},
        {"date": "2026-11-25", "scheduled": 2, "done": 0, "complete": False},
    ]


def test_days_default_to_the_last_30_local_days(db):
    patient = factories.PatientFactory(timezone="Pacific/Kiritimati")  # UTC+14: the 26th
    body = auth_client(patient.user).get(DAYS).json()
    assert len(body) == 30
    assert (body[0]["date"], body[-1]["date"]) == ("2026-10-28", "2026-11-26")


def test_days_accept_exactly_92_days(patient_client, item):
    body = patient_client.get(DAYS, {"from": "2026-08-26", "to": "2026-11-25"}).json()
    assert len(body) == 92


@pytest.mark.parametrize(
    "query, field",
    [
        ({"from": "2026-08-25", "to": "2026-11-25"}, "to"),  # 93 days
        ({"from": "2026-11-25", "to": "2026-11-24"}, "from"),
        ({"from": "25/11/2026"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "0001-01-01"}, "from"),
    ],
)
def test_days_bad_ranges_answer_400(patient_client, query, field):
    response = patient_client.get(DAYS, query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_adherence_summary(patient_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(40))
    daily = factories.ProgramItemFactory(program=program)
    # Done every day from 40 to 11 days ago except day 20; then days 10..4 missed,
    # 3..1 done, today done.
    for n in range(1, 41):
        if n == 20 or 4 <= n <= 10:
            continue
        factories.ExerciseLogFactory(item=daily, date=days_ago(n), pain=4 if n == 2 else None)
    factories.ExerciseLogFactory(item=daily, date=days_ago(3), pain=6, completed=False)
    response = patient_client.get(ADHERENCE)
    assert response.status_code == 200
    body = response.json()
    # last 7 days: 6 days before today (3 done, 3 missed) + today (not yet complete)
    assert body["last_7_days"] == 50.0
    # last 30 days: days 29..1 = 29 days, 7 missed (10..4) + day 20 missed = 8 missed
    assert body["last_30_days"] == round(100 * 21 / 29, 1)
    assert body["current_streak"] == 3
    assert body["longest_streak"] == 20  # days 40..21
    assert body["pain"] == [
        {"date": days_ago(3).isoformat(), "average": 6.0},
        {"date": days_ago(2).isoformat(), "average": 4.0},
    ]
    factories.ExerciseLogFactory(item=daily, date=WEDNESDAY)
    body = patient_client.get(ADHERENCE).json()
    assert body["last_7_days"] == round(100 * 4 / 7, 1)
    assert body["current_streak"] == 4


def test_adherence_without_anything_scheduled_is_null(patient_client):
    assert patient_client.get(ADHERENCE).json() == {
        "last_7_days": None,
        "last_30_days": None,
        "days_complete_rate": None,
        "items_done_rate": None,
        "last_30_days_rates": {"days_complete_rate": None, "items_done_rate": None},
        "current_streak": 0,
        "longest_streak": 0,
        "pain": [],
    }


def test_adherence_rest_days_do_not_break_streaks(patient_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(14))
    mon_wed_fri = factories.ProgramItemFactory(program=program, days_mask=days_to_mask([1, 3, 5]))
    for n in range(0, 15):
        day = days_ago(n)
        if day.isoweekday() in (1, 3, 5):
            factories.ExerciseLogFactory(item=mon_wed_fri, date=day)
    body = patient_client.get(ADHERENCE).json()
    assert body["current_streak"] == body["longest_streak"] == 7
    assert body["last_7_days"] == 100.0


def test_roles(api_client, clinician_client, db):
    for path in (DAYS, ADHERENCE):
        assert api_client.get(path).status_code == 401
        assert clinician_client.get(path).status_code == 403


def seed_history(scale: int):
    """A patient with `scale` items over 100 days, each logged every day, plus pauses."""
    patient = factories.PatientFactory()
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(100))
    for _ in range(scale):
        item = factories.ProgramItemFactory(program=program)
        for n in range(0, 92, 3):
            factories.ExerciseLogFactory(item=item, date=days_ago(n), pain=n % 5)
    return patient


@pytest.mark.parametrize(
    "path, query",
    [(DAYS, {"from": days_ago(91).isoformat(), "to": WEDNESDAY.isoformat()}), (ADHERENCE, {})],
)
def test_query_count_is_the_same_for_1x_and_50x_rows(db, path, query):
    counts = []
    for scale in (1, 50):
        client = auth_client(seed_history(scale).user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, query).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_patient_journey_from_invite_to_adherence(db):
    """Activation -> login -> today -> log -> adherence, all through the API."""
    patient = factories.PatientFactory(timezone="America/New_York")
    patient.user.set_unusable_password()
    patient.user.save()
    program = factories.ProgramFactory(patient=patient, start_date=days_ago(6), name="Reset")
    first = factories.ProgramItemFactory(program=program, order=1)
    second = factories.ProgramItemFactory(program=program, order=2, times_per_day=2)
    code = activation_code_issue(patient=patient)
    client = APIClient()

    password = "running is my therapy 2026"
    activated = client.post("/api/v1/auth/activate", {"code": code, "password": password})
    assert activated.status_code == 200
    login = client.post(
        "/api/v1/auth/login",
        {"email": patient.user.email, "password": password, "device_name": "phone"},
    )
    assert login.status_code == 200
    assert login.json()["role"] == "patient"
    client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")

    today = client.get("/api/v1/me/today").json()
    assert today["date"] == "2026-11-25"  # 07:00 in New York
    assert [i["id"] for i in today["programs"][0]["items"]] == [first.pk, second.pk]

    def entry(item_id, pain):
        return {
            "id": str(uuid.uuid4()),
            "item": item_id,
            "date": today["date"],
            "completed": True,
            "pain": pain,
            "performed_at": "2026-11-25T11:55:00Z",
        }

    batch = [entry(first.pk, 2), entry(second.pk, 3), entry(second.pk, 4)]
    assert client.post("/api/v1/me/logs", {"logs": batch}).json() == {
        "created": 3,
        "duplicates": 0,
        "conflicts": [],
    }
    assert client.get("/api/v1/me/today").json()["complete"] is True

    adherence = client.get("/api/v1/me/adherence").json()
    # Six earlier days missed, today complete: 1 of 7.
    assert adherence["last_7_days"] == round(100 / 7, 1)
    assert adherence["current_streak"] == 1
    assert adherence["pain"] == [{"date": "2026-11-25", "average": 3.0}]
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me/today").status_code == 401
