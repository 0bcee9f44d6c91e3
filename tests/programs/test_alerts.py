import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Alert, days_to_mask
from programs.services.alerts import alerts_daily_pass, alerts_raise_high_pain
from programs.tasks import run_alert_pass
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 6, 15, tzinfo=dt.UTC)  # Wednesday morning
YESTERDAY = dt.date(2026, 11, 24)


def days_ago(n: int) -> dt.date:
    return YESTERDAY + dt.timedelta(days=1 - n)


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 10, 1))
    return factories.ProgramItemFactory(program=program, days_mask=days_to_mask([1, 3, 5]))


def open_alerts(patient, kind):
    return list(Alert.objects.filter(patient=patient, kind=kind, status="open"))


def test_high_pain_twice_opens_one_alert_and_again_after_resolve(clinician_client, patient, item):
    first = factories.ExerciseLogFactory(item=item, pain=8)
    assert alerts_raise_high_pain(logs=[first], clinic_id=patient.clinic_id) == 1
    second = factories.ExerciseLogFactory(item=item, pain=9)
    assert alerts_raise_high_pain(logs=[second], clinic_id=patient.clinic_id) == 0
    (alert,) = open_alerts(patient, "high_pain")
    assert alert.detail["pain"] == 8

    response = clinician_client.post(f"/api/v1/alerts/{alert.pk}/resolve")
    assert response.status_code == 200
    assert response.json()["status"] == "resolved" and response.json()["resolved_at"]
    assert clinician_client.post(f"/api/v1/alerts/{alert.pk}/resolve").status_code == 409

    third = factories.ExerciseLogFactory(item=item, pain=7)
    assert alerts_raise_high_pain(logs=[third], clinic_id=patient.clinic_id) == 1
    assert Alert.objects.filter(patient=patient, kind="high_pain").count() == 2


def test_missed_scheduled_days_open_one_alert(patient, item):
    # Scheduled Mon/Wed/Fri; last three scheduled days up to yesterday (Tue 24th) are
    # Fri 20th, Mon 23rd ... yesterday is Tuesday, not scheduled: no alert yet.
    with time_machine.travel(NOW, tick=False):
        assert alerts_daily_pass()["missed_days"] == 0
    # Thursday morning: yesterday (Wed 25th) was scheduled; Fri, Mon, Wed all missed.
    thursday = NOW + dt.timedelta(days=1)
    factories.ExerciseLogFactory(item=item, date=dt.date(2026, 11, 18))  # an older Wednesday
    with time_machine.travel(thursday, tick=False):
        counts = alerts_daily_pass()
        assert counts["missed_days"] == 1
        assert alerts_daily_pass()["missed_days"] == 0  # created once
    (alert,) = open_alerts(patient, "missed_days")
    assert alert.date == dt.date(2026, 11, 25)
    assert alert.detail["days"] == ["2026-11-20", "2026-11-23", "2026-11-25"]


def test_one_done_day_prevents_missed_alert(patient, item):
    factories.ExerciseLogFactory(item=item, date=dt.date(2026, 11, 23))
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert alerts_daily_pass()["missed_days"] == 0


def test_pain_rising_needs_both_weeks_and_two_points(patient, item):
    for n in range(8, 15):  # the week before: pain 2
        factories.ExerciseLogFactory(item=item, date=days_ago(n), pain=2)
    with time_machine.travel(NOW, tick=False):
        assert alerts_daily_pass()["pain_rising"] == 0  # no reports in the last week
    factories.ExerciseLogFactory(item=item, date=days_ago(3), pain=3)
    with time_machine.travel(NOW, tick=False):
        assert alerts_daily_pass()["pain_rising"] == 0  # +1 only
    factories.ExerciseLogFactory(item=item, date=days_ago(1), pain=6)
    with time_machine.travel(NOW, tick=False):
        assert alerts_daily_pass()["pain_rising"] == 1  # (3 + 6) / 2 = 4.5 vs 2
        assert alerts_daily_pass()["pain_rising"] == 0
    (alert,) = open_alerts(patient, "pain_rising")
    assert alert.detail == {"recent_average": 4.5, "previous_average": 2.0, "window_days": 7}


def test_command_and_task_report_what_they_created(patient, item):
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        out = StringIO()
        call_command("run_alert_pass", stdout=out)
        assert "1 missed_days" in out.getvalue()
        assert run_alert_pass.apply().get()["missed_days"] == 0


def test_daily_pass_queries_per_chunk_are_constant():
    def make(n):
        for _ in range(n):
            program = factories.ProgramFactory(start_date=dt.date(2026, 10, 1))
            factories.ProgramItemFactory(program=program)

    make(1)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as one:
        assert alerts_daily_pass()["missed_days"] == 1
    make(49)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as fifty:
        assert alerts_daily_pass()["missed_days"] == 49
    assert len(one) == len(fifty)


def test_alerts_list_filters_and_query_count(clinician, patient):
    clinic = clinician.clinic
    other_clinic_patient = factories.PatientFactory()
    Alert.objects.create(
        clinic=other_clinic_patient.clinic,
        patient=other_clinic_patient,
        kind="high_pain",
        date=YESTERDAY,
    )
    resolved = Alert.objects.create(
        clinic=clinic, patient=patient, kind="pain_rising", date=YESTERDAY, status="resolved"
    )
    client = auth_client(clinician.user)
    assert client.get("/api/v1/alerts").json()["results"] == []
    rows = client.get("/api/v1/alerts?status=resolved").json()["results"]
    assert [row["id"] for row in rows] == [resolved.pk]
    assert client.get("/api/v1/alerts?kind=bogus").status_code == 400
    assert client.get("/api/v1/alerts?status=bogus").status_code == 400

    def make(n):
        for _ in range(n):
            someone = factories.PatientFactory(clinic=clinic)
            Alert.objects.create(
                clinic=clinic,
                patient=someone,
                kind="missed_days",
                date=YESTERDAY,
                detail={"days": []},
            )

    make(1)
    with CaptureQueriesContext(connection) as one:
        rows = client.get("/api/v1/alerts?kind=missed_days").json()["results"]
    assert len(rows) == 1 and set(rows[0]["patient"]) == {"id", "first_name", "last_name"}
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get("/api/v1/alerts?page_size=100").json()["results"]) == 50
    assert len(one) == len(fifty)
