"""Editing a program's lines: new rows for changed lines, history kept for logs."""

import datetime as dt

import pytest
import time_machine

from programs.adherence import day_statuses
from programs.models import ExerciseLog, ProgramItem
from tests import factories

pytestmark = pytest.mark.django_db

# Europe/Berlin: 23:30 UTC on the 24th is already the 25th there.
EDIT_AT = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)
LOCAL_TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def program(patient):
    patient.timezone = "Europe/Berlin"
    patient.save()
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 11, 1))
    for order, slug in ((1, "bridge"), (2, "plank"), (3, "bird-dog")):
        factories.ProgramItemFactory(
            program=program,
            exercise=factories.ExerciseFactory(slug=slug),
            order=order,
            sets=2,
            reps=10,
            times_per_day=2,
        )
    return program


def current(program):
    return {
        row.exercise.slug: row
        for row in ProgramItem.objects.filter(program=program, valid_until__isnull=True)
    }


def edit(client, program, items):
    with time_machine.travel(EDIT_AT, tick=False):
        return client.patch(f"/api/v1/programs/{program.pk}", {"items": items})


def test_edit_retires_changed_lines_and_keeps_unchanged_rows(clinician_client, program):
    before = current(program)
    bridge, plank, bird_dog = before["bridge"], before["plank"], before["bird-dog"]
    old_bridge_log = factories.ExerciseLogFactory(
        item=bridge, date=dt.date(2026, 11, 20), sets_done=2, reps_done=10
    )
    response = edit(
        clinician_client,
        program,
        [
            {"key": str(bridge.key), "reps": 15},  # changed
            {"key": str(plank.key)},  # unchanged
            {"exercise": "bird-dog", "order": 4, "sets": 1},  # new line, new key
        ],  # bird-dog's old line left out: retired
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    after = {(i["exercise"], i["order"]): i for i in body["items"]}
    assert after[("bridge", 1)]["key"] == str(bridge.key)
    assert (after[("bridge", 1)]["reps"], after[("bridge", 1)]["version"]) == (15, 2)
    assert after[("bridge", 1)]["valid_from"] == "2026-11-25"  # the patient's local today
    assert after[("plank", 2)]["id"] == plank.pk  # same row
    assert after[("bird-dog", 4)]["key"] != str(bird_dog.key)

    bridge.refresh_from_db()
    bird_dog.refresh_from_db()
    plank.refresh_from_db()
    assert (bridge.valid_until, bird_dog.valid_until, plank.valid_until) == (
        LOCAL_TODAY,
        LOCAL_TODAY,
        None,
    )
    # The old log still shows the dose prescribed then.
    old_bridge_log.refresh_from_db()
    assert (old_bridge_log.item.reps, old_bridge_log.item.version) == (10, 1)
    new_bridge = ProgramItem.objects.get(key=bridge.key, valid_until__isnull=True)
    new_log = factories.ExerciseLogFactory(item=new_bridge, date=dt.date(2026, 11, 26))
    assert (new_log.item.reps, new_log.program_version) == (15, 2)


def test_todays_done_count_carries_across_an_edit(clinician_client, program):
    bridge = current(program)["bridge"]
    others = [row for slug, row in current(program).items() if slug != "bridge"]
    factories.ExerciseLogFactory(item=bridge, date=LOCAL_TODAY)  # 1 of 2 before the edit
    response = edit(
        clinician_client,
        program,
        [{"key": str(bridge.key), "sets": 3}, *({"key": str(row.key)} for row in others)],
    )
    assert response.status_code == 200
    new_bridge = ProgramItem.objects.get(key=bridge.key, valid_until__isnull=True)
    factories.ExerciseLogFactory(item=new_bridge, date=LOCAL_TODAY)  # 2 of 2 after it
    with time_machine.travel(EDIT_AT, tick=False):
        (day,) = day_statuses(
            patients=[program.patient], start=LOCAL_TODAY, end=LOCAL_TODAY, now=EDIT_AT
        )[program.patient.pk]
    # bridge done twice (one log on each row), the other two lines not yet.
    assert (day.scheduled, day.done) == (6, 2)
    assert ExerciseLog.objects.filter(item__key=bridge.key).count() == 2
    with time_machine.travel(EDIT_AT, tick=False):
        url = f"/api/v1/patients/{program.patient_id}/adherence?from=2026-11-25&to=2026-11-25"
        today = clinician_client.get(url).json()["days"][0]
    assert (today["scheduled"], today["done"]) == (6, 2)


def test_no_change_keeps_the_version(clinician_client, program):
    rows = current(program).values()
    response = edit(clinician_client, program, [{"key": str(row.key)} for row in rows])
    assert response.json()["version"] == 1
    same_values = [{"key": str(row.key), "sets": row.sets, "reps": row.reps} for row in rows]
    assert edit(clinician_client, program, same_values).json()["version"] == 1
    assert ProgramItem.objects.filter(program=program).count() == 3


@pytest.mark.parametrize(
    "make_items",
    [
        lambda rows, _: [{"key": "00000000-0000-0000-0000-000000000000"}],
        lambda rows, _: [{"key": str(rows[0].key)}, {"key": str(rows[0].key)}],
        lambda rows, _: [
            {"key": str(rows[0].key), "order": 1},
            {"key": str(rows[1].key), "order": 1},
        ],
        lambda rows, _: [{"key": str(rows[0].key), "sets": 50}],
        lambda rows, _: [{"order": 9}],
        lambda rows, _: [],
        lambda rows, _: [{"key": "not-a-uuid"}],
    ],
)
def test_bad_edits_change_nothing(clinician_client, program, make_items):
    rows = list(current(program).values())
    response = edit(clinician_client, program, make_items(rows, program))
    assert response.status_code == 400, response.json()
    program.refresh_from_db()
    assert program.version == 1
    assert ProgramItem.objects.filter(program=program, valid_until__isnull=True).count() == 3
    assert ProgramItem.objects.filter(program=program).count() == 3


def test_completed_program_cannot_be_edited(clinician_client, program):
    program.status = "completed"
    program.save()
    rows = current(program).values()
    response = edit(clinician_client, program, [{"key": str(row.key), "sets": 1} for row in rows])
    assert response.status_code == 409


def test_second_edit_on_the_same_day(clinician_client, program):
    bridge = current(program)["bridge"]
    keep = [{"key": str(row.key)} for slug, row in current(program).items() if slug != "bridge"]
    edit(clinician_client, program, [{"key": str(bridge.key), "reps": 12}, *keep])
    response = edit(clinician_client, program, [{"key": str(bridge.key), "reps": 14}, *keep])
    assert response.json()["version"] == 3
    rows = ProgramItem.objects.filter(key=bridge.key).order_by("version")
    assert [(r.reps, r.valid_from, r.valid_until) for r in rows] == [
        (10, dt.date(2026, 11, 1), LOCAL_TODAY),
        (12, LOCAL_TODAY, LOCAL_TODAY),
        (14, LOCAL_TODAY, None),
    ]
