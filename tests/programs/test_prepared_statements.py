"""The hot statements of GET /me/today (the token's, the routine's) are prepared on
PostgreSQL, and a prepared routine reads the same day as an unprepared one."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.selectors.patient_day import patient_routine
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)

TODAY = "/api/v1/me/today"
NOON_UTC = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON_UTC, tick=False):
        yield


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=WEDNESDAY - dt.timedelta(3))
    line = factories.ProgramItemFactory(program=program, times_per_day=2)
    factories.ProgramItemFactory(program=program)
    return line


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_today_prepares_its_token_and_routine_statements(patient_client, item):
    assert patient_client.get(TODAY).status_code == 200
    statements = prepared_statements()
    assert any("knox_authtoken" in text for text in statements)
    assert any("programs_programitem item" in text for text in statements)


def test_a_prepared_routine_reads_what_an_unprepared_one_does(patient, item):
    factories.ExerciseLogFactory(item=item, date=WEDNESDAY)
    for _ in range(7):  # past PostgreSQL's five custom plans, onto its generic plan
        prepared = patient_routine(patient=patient, day=WEDNESDAY, today=WEDNESDAY)
    with CaptureQueriesContext(connection):  # queries logged: Django's own cursor
        unprepared = patient_routine(patient=patient, day=WEDNESDAY, today=WEDNESDAY)
    assert prepared == unprepared
    assert [i["done_count"] for p in prepared["programs"] for i in p["items"]] == [1, 0]
