import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramPause, days_to_mask
from tests import factories
from tests.conftest import auth_client

TODAY = "/api/v1/me/today"
# Wednesday 25 November 2026, 12:00 UTC: the same date in London.
NOON_UTC = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON_UTC, tick=False):
        yield


def program_for(patient, **kwargs):
    kwargs.setdefault("start_date", WEDNESDAY - dt.timedelta(days=10))
    return factories.ProgramFactory(patient=patient, **kwargs)


def test_today_shape(patient_client, patient):
    program = program_for(patient, name="Back basics")
    exercise = factories.ExerciseFactory(
        slug="dead-bug", name="Dead bug", equipment=["mat"], laterality="each_side"
    )
    item = factories.ProgramItemFactory(
        program=program,
        exercise=exercise,
        sets=3,
        reps=8,
        hold_seconds=None,
        side="each",
        notes="Slow on the way down; stop if your back pinches.",
    )
    response = patient_client.get(TODAY)
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-11-25",
        "complete": False,
        "programs": [
            {
                "id": program.pk,
                "name": "Back basics",
                "items": [
                    {
                        "id": item.pk,
                        "exercise": {
                            "slug": "dead-bug",
                            "name": "Dead bug",
                            "category": "core_anti_extension",
                            "instructions": ["Lie on your back.", "Move slowly."],
                            "cues": ["Keep your ribs down."],
                            "media": ["https://media.example/exercise.mp4"],
                            "equipment": ["mat"],
                            "laterality": "each_side",
                        },
                        "dose": {
                            "sets": 3,
                            "reps": 8,
                            "hold_seconds": None,
                            "duration_seconds": None,
                            "side": "each",
                        },
                        "times_per_day": 1,
                        "notes": "Slow on the way down; stop if your back pinches.",
                        "done_count": 0,
                        "done": False,
                        "change": None,
                    }
                ],
            }
        ],
    }


def test_only_programs_and_items_scheduled_today_in_order(patient_client, patient):
    program = program_for(patient)
    second = factories.ProgramItemFactory(program=program, order=2)
    first = factories.ProgramItemFactory(program=program, order=1)
    factories.ProgramItemFactory(program=program, order=3, days_mask=days_to_mask([1, 5]))
    factories.ProgramItemFactory(  # retired yesterday by an edit
        program=program, order=4, valid_until=WEDNESDAY
    )
    paused = program_for(patient)
    factories.ProgramItemFactory(program=paused)
    ProgramPause.objects.create(program=paused, start=WEDNESDAY - dt.timedelta(days=2))
    completed = program_for(patient, status=Program.Status.COMPLETED)
    factories.ProgramItemFactory(program=completed)
    not_started = program_for(patient, start_date=WEDNESDAY + dt.timedelta(days=1))
    factories.ProgramItemFactory(program=not_started)
    factories.ProgramItemFactory(program__start_date=WEDNESDAY)  # another patient's

    body = patient_client.get(TODAY).json()
    assert [p["id"] for p in body["programs"]] == [program.pk]
    assert [i["id"] for i in body["programs"][0]["items"]] == [first.pk, second.pk]


def test_done_counts_logs_of_the_day_by_line(patient_client, patient):
    program = program_for(patient)
    twice = factories.ProgramItemFactory(program=program, times_per_day=2, order=1)
    once = factories.ProgramItemFactory(program=program, order=2)
    # An edit of the dose this morning: the old row's log counts for the new row.
    old = factories.ProgramItemFactory(
        program=program, key=twice.key, order=1, valid_until=WEDNESDAY, version=1
    )
    factories.ExerciseLogFactory(item=old, date=WEDNESDAY)
    factories.ExerciseLogFactory(item=once, date=WEDNESDAY - dt.timedelta(days=1))
    factories.ExerciseLogFactory(item=once, date=WEDNESDAY, completed=False)

    items = patient_client.get(TODAY).json()["programs"][0]["items"]
    assert [(i["done_count"], i["done"]) for i in items] == [(1, False), (0, False)]

    factories.ExerciseLogFactory(item=twice, date=WEDNESDAY)
    factories.ExerciseLogFactory(item=once, date=WEDNESDAY)
    body = patient_client.get(TODAY).json()
    assert [(i["done_count"], i["done"]) for i in body["programs"][0]["items"]] == [
        (2, True),
        (1, True),
    ]
    assert body["complete"] is True


def test_nothing_scheduled_is_not_complete(patient_client):
    assert patient_client.get(TODAY).json() == {
        "date": "2026-11-25",
        "complete": False,
        "programs": [],
    }


def test_patients_on_either_side_of_the_date_line_see_their_own_today(db):
    with time_machine.travel(dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC), tick=False):
        auckland = factories.PatientFactory(timezone="Pacific/Auckland")  # 09:00 on the 26th
        los_angeles = factories.PatientFactory(timezone="America/Los_Angeles")  # 12:00 the 25th
        for patient in (auckland, los_angeles):
            program = program_for(patient)
            factories.ProgramItemFactory(program=program, days_mask=days_to_mask([4]))  # Thu
        nz = auth_client(auckland.user).get(TODAY).json()
        la = auth_client(los_angeles.user).get(TODAY).json()
    assert nz["date"] == "2026-11-26"
    assert len(nz["programs"]) == 1
    assert la["date"] == "2026-11-25"
    assert la["programs"] == []


@pytest.mark.parametrize(
    "instant, expected",
    [
        # Los Angeles springs forward at 02:00 on Sunday 8 March 2026 (10:00 UTC).
        (dt.datetime(2026, 3, 8, 9, 59, tzinfo=dt.UTC), "2026-03-08"),  # 01:59 PST
        (dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC), "2026-03-08"),  # 03:00 PDT
        # 00:30 PDT on Monday; still Sunday 23:30 under the winter offset.
        (dt.datetime(2026, 3, 9, 7, 30, tzinfo=dt.UTC), "2026-03-09"),
        (dt.datetime(2026, 3, 9, 6, 59, tzinfo=dt.UTC), "2026-03-08"),
    ],
)
def test_daylight_saving_transition_day(db, instant, expected):
    with time_machine.travel(instant, tick=False):
        patient = factories.PatientFactory(timezone="America/Los_Angeles")
        program = program_for(patient, start_date=dt.date(2026, 3, 1))
        sunday = factories.ProgramItemFactory(program=program, days_mask=days_to_mask([7]))
        body = auth_client(patient.user).get(TODAY).json()
    assert body["date"] == expected
    scheduled = [i["id"] for p in body["programs"] for i in p["items"]]
    assert scheduled == ([sunday.pk] if expected == "2026-03-08" else [])


def test_another_date(patient_client, patient):
    program = program_for(patient)
    item = factories.ProgramItemFactory(program=program, days_mask=days_to_mask([1]))
    factories.ExerciseLogFactory(item=item, date=dt.date(2026, 11, 23))
    body = patient_client.get(TODAY, {"date": "2026-11-23"}).json()
    assert body["date"] == "2026-11-23"
    assert body["complete"] is True
    assert body["programs"][0]["items"][0]["done_count"] == 1


@pytest.mark.parametrize(
    "value", ["tomorrow", "2026-13-01", "2026-11-25T00:00", "", "2028-01-01", "1900-01-01"]
)
def test_bad_dates_answer_400(patient_client, value):
    response = patient_client.get(TODAY, {"date": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date"]


def test_roles(api_client, clinician_client, db):
    assert api_client.get(TODAY).status_code == 401
    assert clinician_client.get(TODAY).status_code == 403


def seed_today(n: int):
    """A patient with two programs holding n items each, and logs on most of them."""
    patient = factories.PatientFactory()
    for _ in range(2):
        program = program_for(patient)
        for _ in range(n):
            item = factories.ProgramItemFactory(program=program, times_per_day=2)
            factories.ExerciseLogFactory(item=item, date=WEDNESDAY, pain=2)
        ProgramPause.objects.create(
            program=program, start=WEDNESDAY - dt.timedelta(days=5), end=WEDNESDAY
        )
    return patient


def test_query_count_is_the_same_for_1_and_50_items(db):
    counts = []
    for n in (1, 50):
        client = auth_client(seed_today(n).user)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(TODAY).json()
        assert sum(len(p["items"]) for p in body["programs"]) == 2 * n
        counts.append(len(queries))
    assert counts[0] == counts[1]
