"""The cached body of /me/today: every write a user can make shows at once."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from programs.models import Exercise, ExerciseLog, Program
from programs.selectors.today_cache import TODAY_CACHE_SECONDS
from programs.services.exercises import exercise_update
from programs.services.programs import program_complete, program_pause, program_update
from tests import factories

TODAY = "/api/v1/me/today"
NOON_UTC = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON_UTC, tick=False) as traveller:
        yield traveller


@pytest.fixture
def program(patient):
    return factories.ProgramFactory(
        patient=patient, start_date=WEDNESDAY - dt.timedelta(days=3), name="Back basics"
    )


@pytest.fixture
def item(program):
    clinic_exercise = factories.ExerciseFactory(clinic=program.patient.clinic, name="Dead bug")
    return factories.ProgramItemFactory(program=program, exercise=clinic_exercise)


def items_of(body):
    return [i for p in body["programs"] for i in p["items"]]


def test_a_repeated_today_costs_only_the_token_query(patient_client, item):
    first = patient_client.get(TODAY)
    with CaptureQueriesContext(connection) as queries:
        second = patient_client.get(TODAY)
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    # And none with the token cache on: tests/patients/test_token_cache.py.
    assert len(queries) == 1


def test_a_log_upload_shows_at_once(patient_client, item):
    assert items_of(patient_client.get(TODAY).json())[0]["done"] is False
    log = {
        "id": str(uuid.uuid4()),
        "item": item.pk,
        "date": "2026-11-25",
        "completed": True,
        "performed_at": "2026-11-25T11:00:00Z",
    }
    assert patient_client.post("/api/v1/me/logs", {"logs": [log]}).status_code == 200
    body = patient_client.get(TODAY).json()
    assert items_of(body)[0]["done_count"] == 1
    assert body["complete"] is True


def test_a_program_edit_shows_at_once(patient_client, program, item):
    patient_client.get(TODAY)
    program_update(program=program, data={"name": "Back basics, week 2"})
    assert patient_client.get(TODAY).json()["programs"][0]["name"] == "Back basics, week 2"
    program_update(program=program, data={"items": [{"key": item.key, "sets": 5}]})
    assert items_of(patient_client.get(TODAY).json())[0]["dose"]["sets"] == 5


def test_a_changed_line_note_shows_at_once(patient_client, program, item):
    assert items_of(patient_client.get(TODAY).json())[0]["notes"] == ""
    program_update(program=program, data={"items": [{"key": item.key, "notes": "Knees soft."}]})
    assert items_of(patient_client.get(TODAY).json())[0]["notes"] == "Knees soft."


def test_a_pause_and_a_completion_show_at_once(patient_client, program, item):
    assert len(patient_client.get(TODAY).json()["programs"]) == 1
    program_pause(program=program)
    assert patient_client.get(TODAY).json()["programs"] == []
    other = factories.ProgramFactory(patient=program.patient, start_date=WEDNESDAY)
    factories.ProgramItemFactory(program=other)
    assert len(patient_client.get(TODAY).json()["programs"]) == 1
    program_complete(program=other)
    assert patient_client.get(TODAY).json()["programs"] == []


def test_a_time_zone_change_shows_at_once(patient_client, item):
    assert patient_client.get(TODAY).json()["date"] == "2026-11-25"
    response = patient_client.patch("/api/v1/me", {"timezone": "Pacific/Kiritimati"})  # UTC+14
    assert response.status_code == 200
    assert patient_client.get(TODAY).json()["date"] == "2026-11-26"


def test_an_exercise_edit_shows_at_once(patient_client, item):
    patient_client.get(TODAY)
    exercise_update(exercise=item.exercise, data={"name": "Dead bug, slow"})
    assert items_of(patient_client.get(TODAY).json())[0]["exercise"]["name"] == "Dead bug, slow"


def test_saves_outside_the_services_show_at_once(patient_client, program, item):
    """The admin saves model rows one by one: those replace the tokens too."""
    patient_client.get(TODAY)
    factories.ExerciseLogFactory(item=item, date=WEDNESDAY)
    assert items_of(patient_client.get(TODAY).json())[0]["done"] is True
    ExerciseLog.objects.get(item=item).delete()
    assert items_of(patient_client.get(TODAY).json())[0]["done"] is False
    program.status = Program.Status.COMPLETED
    program.save()
    assert patient_client.get(TODAY).json()["programs"] == []


def test_writes_that_send_no_signal_show_within_the_ttl(patient_client, item, _clock):
    patient_client.get(TODAY)
    Exercise.objects.filter(pk=item.exercise_id).update(name="Renamed in bulk")
    assert items_of(patient_client.get(TODAY).json())[0]["exercise"]["name"] == "Dead bug"
    _clock.shift(dt.timedelta(seconds=TODAY_CACHE_SECONDS + 1))
    assert items_of(patient_client.get(TODAY).json())[0]["exercise"]["name"] == "Renamed in bulk"


def test_without_a_shared_cache_nothing_is_cached(patient_client, item, settings):
    """Several web processes with private caches must not hide each other's writes."""
    settings.TODAY_CACHE_ENABLED = False
    patient_client.get(TODAY)
    Exercise.objects.filter(pk=item.exercise_id).update(name="Renamed in bulk")
    assert items_of(patient_client.get(TODAY).json())[0]["exercise"]["name"] == "Renamed in bulk"


def test_one_patients_cache_is_not_anothers(patient_client, item, clinician):
    from tests.conftest import auth_client

    other = factories.PatientFactory(clinic=clinician.clinic)
    assert len(patient_client.get(TODAY).json()["programs"]) == 1
    assert auth_client(other.user).get(TODAY).json()["programs"] == []


def test_a_logged_out_token_is_refused_although_today_is_cached(patient_client, item):
    assert patient_client.get(TODAY).status_code == 200
    assert patient_client.post("/api/v1/auth/logout").status_code == 204
    assert patient_client.get(TODAY).status_code == 401


def test_a_write_bumps_again_when_it_commits(
    patient_client, program, item, django_capture_on_commit_callbacks
):
    """A request that read the database before the commit cannot keep its body."""
    from django.core.cache import cache

    from programs.selectors.today_cache import _patient_key

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        program_pause(program=program)
    token = cache.get(_patient_key(program.patient_id))
    for callback in callbacks:
        callback()
    assert cache.get(_patient_key(program.patient_id)) not in (None, token)


@pytest.mark.django_db(transaction=True)
def test_a_bump_outside_a_transaction_writes_the_generation_once(monkeypatch):
    from django.core.cache import cache

    from programs.selectors import today_cache

    writes = []
    monkeypatch.setattr(cache, "set_many", lambda mapping, timeout: writes.append(mapping))
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: writes.append({key: value}))
    today_cache.today_cache_bump(patient_ids=[41])
    assert len(writes) == 1
    writes.clear()
    with transaction.atomic():
        today_cache.today_cache_bump(patient_ids=[41])
    assert len(writes) == 2  # at once, and again on commit
