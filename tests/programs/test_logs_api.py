import datetime as dt
import threading
import uuid

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from programs.models import Alert, ExerciseLog, ProgramPause, Session
from tests import factories
from tests.conftest import auth_client

LOGS = "/api/v1/me/logs"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def item(patient):
    program = factories.ProgramFactory(patient=patient, start_date=WEDNESDAY - dt.timedelta(30))
    return factories.ProgramItemFactory(program=program, version=1)


def log(prescribed, /, **overrides):
    body = {
        "id": str(uuid.uuid4()),
        "item": prescribed.pk,
        "date": "2026-11-25",
        "completed": True,
        "sets_done": 2,
        "reps_done": 10,
        "pain": 3,
        "difficulty": 5,
        "note": "felt fine",
        "performed_at": "2026-11-25T11:30:00Z",
    }
    body.update(overrides)
    return body


def post(client, logs):
    return client.post(LOGS, {"logs": logs}, format="json")


def test_logs_are_stored_with_what_was_prescribed(patient_client, patient, item):
    yesterday = log(item, date="2026-11-24", performed_at="2026-11-24T18:00:00+01:00")
    minimal = {
        "id": str(uuid.uuid4()),
        "item": item.pk,
        "date": "2026-11-25",
        "completed": False,
        "performed_at": "2026-11-25T11:59:00Z",
    }
    response = post(patient_client, [log(item), yesterday, minimal])
    assert response.status_code == 200
    assert response.json() == {"created": 3, "duplicates": 0, "conflicts": []}
    stored = ExerciseLog.objects.get(pk=yesterday["id"])
    assert (stored.patient, stored.item, stored.program_version) == (patient, item, 1)
    assert stored.date == dt.date(2026, 11, 24)
    assert stored.performed_at == dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)
    assert (stored.session.patient, stored.session.date) == (patient, dt.date(2026, 11, 24))
    assert (stored.sets_done, stored.pain, stored.note) == (2, 3, "felt fine")
    empty = ExerciseLog.objects.get(pk=minimal["id"])
    assert (empty.completed, empty.pain, empty.note) == (False, None, "")
    assert Session.objects.filter(patient=patient).count() == 2


def test_an_existing_session_is_reused(patient_client, patient, item):
    session = factories.SessionFactory(patient=patient, date=WEDNESDAY)
    post(patient_client, [log(item)])
    assert ExerciseLog.objects.get().session == session


def test_replays_create_nothing_and_answer_the_same(patient_client, item):
    skipped = log(item, completed=False, sets_done=None, reps_done=None)
    batch = [log(item), log(item, pain=None), skipped]
    assert post(patient_client, batch).json() == {"created": 3, "duplicates": 0, "conflicts": []}
    for _ in range(3):
        response = post(patient_client, batch)
        assert response.status_code == 200
        assert response.json() == {"created": 0, "duplicates": 3, "conflicts": []}
    assert ExerciseLog.objects.count() == 3
    # Part replay, part new: only the new one is created.
    assert post(patient_client, [*batch, log(item)]).json() == {
        "created": 1,
        "duplicates": 3,
        "conflicts": [],
    }


def test_a_replayed_id_with_other_content_is_a_conflict(patient_client, item):
    first = log(item, pain=2)
    post(patient_client, [first])
    changed = {**first, "pain": 8}
    new = log(item)
    response = post(patient_client, [new, changed])
    assert response.status_code == 200
    assert response.json() == {
        "created": 1,
        "duplicates": 0,
        "conflicts": [{"index": 1, "id": first["id"]}],
    }
    assert ExerciseLog.objects.get(pk=first["id"]).pain == 2
    assert not Alert.objects.exists()  # the conflicting pain 8 was not taken


def test_another_patients_log_id_is_a_conflict_and_untouched(patient_client, item):
    theirs = factories.ExerciseLogFactory(pain=1)
    response = post(patient_client, [log(item, id=str(theirs.pk))])
    assert response.json()["conflicts"] == [{"index": 0, "id": str(theirs.pk)}]
    theirs.refresh_from_db()
    assert theirs.pain == 1


def test_high_pain_raises_an_alert(patient_client, patient, item):
    post(patient_client, [log(item, pain=8)])
    alert = Alert.objects.get()
    assert (alert.patient, alert.kind, alert.clinic) == (patient, "high_pain", patient.clinic)


@pytest.mark.parametrize(
    "field, value",
    [
        ("pain", 11),
        ("pain", -1),
        ("pain", "high"),
        ("pain", 2.5),
        ("difficulty", 11),
        ("sets_done", -1),
        ("reps_done", 1001),
        ("hold_seconds_done", 3601),
        ("duration_seconds_done", 86401),
        ("id", "not-a-uuid"),
        ("id", None),
        ("item", "abc"),
        ("item", 0),
        ("item", 2**70),
        ("completed", "maybe"),
        ("completed", None),
        ("date", "2026-13-01"),
        ("date", "2026-11-27"),  # after tomorrow
        ("date", "2025-01-01"),  # over a year ago
        ("date", 20261125),
        ("performed_at", "2026-11-25T12:06:00Z"),  # beyond clock skew
        ("performed_at", "yesterday"),
        ("performed_at", "0001-01-01T00:00:00+05:00"),
        ("note", "x" * 2001),
        ("note", "nul\x00byte"),
        ("note", {"text": "hi"}),
    ],
)
def test_one_invalid_log_rejects_the_batch_with_its_index(patient_client, item, field, value):
    batch = [log(item), log(item), log(item), log(item, **{field: value})]
    response = post(patient_client, batch)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert list(body["errors"]["logs"]) == ["3"]
    assert list(body["errors"]["logs"]["3"]) == [field]
    assert not ExerciseLog.objects.exists()
    assert not Session.objects.exists()


@pytest.mark.parametrize("field", ["id", "item", "date", "completed", "performed_at"])
def test_required_fields(patient_client, item, field):
    entry = log(item)
    del entry[field]
    response = post(patient_client, [entry])
    assert response.status_code == 400
    assert response.json()["errors"] == {"logs": {"0": {field: ["This field is required."]}}}


def test_edge_values_are_accepted(patient_client, item):
    batch = [
        log(item, pain=0, difficulty=10, date="2026-11-26"),  # tomorrow is fine
        log(item, pain=10, performed_at="2026-11-25T12:04:00Z"),  # within clock skew
        log(item, note=None),
    ]
    assert post(patient_client, batch).json()["created"] == 3


def test_duplicate_ids_within_a_batch_are_an_error(patient_client, item):
    first = log(item)
    response = post(patient_client, [first, log(item), {**first}])
    assert response.status_code == 400
    assert response.json()["errors"]["logs"] == {"2": {"id": ["Same id as log 0 of this batch."]}}
    assert not ExerciseLog.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"logs": []}, {"logs": "x"}, {"logs": [1]}, {"logs": {"0": {}}}, [], "logs", None],
)
def test_malformed_batches_answer_400(patient_client, item, body):
    response = patient_client.post(LOGS, body, format="json")
    assert response.status_code == 400
    assert not ExerciseLog.objects.exists()


def test_malformed_json_answers_400(patient_client):
    response = patient_client.post(LOGS, b'{"logs": [', content_type="application/json")
    assert response.status_code == 400


def test_oversized_batch_is_refused(patient_client, item):
    response = post(patient_client, [log(item) for _ in range(501)])
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "logs": ["Ensure this field has no more than 500 elements."]
    }
    assert not ExerciseLog.objects.exists()


def test_unknown_and_foreign_items_answer_404_alike(patient_client, item):
    foreign = factories.ProgramItemFactory()
    missing = foreign.pk + 1000
    response = post(
        patient_client, [log(item), log(item, item=foreign.pk), log(item, item=missing)]
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]["logs"]
    assert list(errors) == ["1", "2"]
    assert errors["1"] == errors["2"] == {"item": ["No such item in your programs."]}
    assert not ExerciseLog.objects.exists()


def test_roles(api_client, clinician_client, item):
    assert api_client.post(LOGS, {"logs": [log(item)]}, format="json").status_code == 401
    assert clinician_client.post(LOGS, {"logs": [log(item)]}, format="json").status_code == 403
    assert not ExerciseLog.objects.exists()


def count_statements(queries) -> int:
    """Statements sent, counting a bulk insert the SQLite backend splits into
    999-parameter chunks once (PostgreSQL sends it as one statement anyway)."""
    count, previous = 0, None
    for query in queries:
        sql = query["sql"]
        head = sql.split("VALUES")[0] if sql.startswith("INSERT") else None
        if head is None or head != previous:
            count += 1
        previous = head
    return count


def test_query_count_is_the_same_for_1_and_500_logs(db):
    counts, raw = [], []
    for n in (1, 500):
        patient = factories.PatientFactory()
        program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 10, 1))
        items = [factories.ProgramItemFactory(program=program) for _ in range(min(n, 20))]
        batch = [
            # The first log reports high pain, so both batches raise an alert.
            log(items[i % len(items)], date=f"2026-11-{10 + i % 15}", pain=8 if i == 0 else i % 7)
            for i in range(n)
        ]
        client = auth_client(patient.user)
        with CaptureQueriesContext(connection) as queries:
            response = post(client, batch)
        assert response.json()["created"] == n
        counts.append(count_statements(queries.captured_queries))
        raw.append(len(queries))
    assert counts[0] == counts[1]
    if connection.vendor == "postgresql":
        assert raw[0] == raw[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_batches_at_once_store_each_log_once():
    patient = factories.PatientFactory()
    program = factories.ProgramFactory(patient=patient, start_date=WEDNESDAY - dt.timedelta(9))
    items = [factories.ProgramItemFactory(program=program) for _ in range(5)]
    batch = [log(items[i % 5], date=f"2026-11-{16 + i % 10}", pain=i % 8) for i in range(200)]
    client_a, client_b = auth_client(patient.user), auth_client(patient.user)
    start = threading.Barrier(2)
    answers = {}

    def upload(name, client):
        try:
            start.wait()
            answers[name] = post(client, batch)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [
        threading.Thread(target=upload, args=(name, client))
        for name, client in (("a", client_a), ("b", client_b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answers[name].status_code for name in "ab"] == [200, 200]
    bodies = [answers[name].json() for name in "ab"]
    assert sum(body["created"] for body in bodies) == 200
    assert sorted(body["duplicates"] for body in bodies) == [0, 200]
    assert all(body["conflicts"] == [] for body in bodies)
    assert ExerciseLog.objects.filter(patient=patient).count() == 200
    assert Session.objects.filter(patient=patient).count() == 10
    assert Alert.objects.filter(patient=patient, kind="high_pain").count() == 1


def test_performed_at_without_an_offset_is_refused(patient_client, item):
    response = post(patient_client, [log(item), log(item, performed_at="2026-11-25T11:30:00")])
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "logs": {
            "1": {"performed_at": ["Include the UTC offset or Z, e.g. 2026-11-25T18:30:00+01:00."]}
        }
    }
    assert not ExerciseLog.objects.exists()
    offset = log(item, performed_at="2026-11-25T13:30:00+02:00")
    assert post(patient_client, [offset]).json()["created"] == 1
    assert ExerciseLog.objects.get().performed_at == dt.datetime(
        2026, 11, 25, 11, 30, tzinfo=dt.UTC
    )


def _only_error(response) -> tuple[str, str]:
    assert response.status_code == 400, response.content
    ((index, errors),) = response.json()["errors"]["logs"].items()
    assert list(errors) == ["date"]
    return index, errors["date"][0]


def test_logs_for_days_the_line_is_not_scheduled_are_refused_by_index(patient, patient_client):
    # Wednesday 2026-11-25; the program runs 2026-11-20 .. 2026-11-30.
    program = factories.ProgramFactory(
        patient=patient, start_date=dt.date(2026, 11, 20), end_date=dt.date(2026, 11, 30)
    )
    weekdays = factories.ProgramItemFactory(program=program, days_mask=0b0011111)  # Mon-Fri
    ProgramPause.objects.create(program=program, start=dt.date(2026, 11, 23), end=WEDNESDAY)
    at = "2026-11-19T12:00:00Z"
    cases = [
        (log(weekdays, date="2026-11-19", performed_at=at), "The program starts on 2026-11-20"),
        (
            log(weekdays, date="2026-11-22", performed_at=at),
            "This exercise is not scheduled on Sundays",
        ),
        (log(weekdays, date="2026-11-23", performed_at=at), "The program is paused on this day"),
    ]
    for bad, reason in cases:
        response = post(patient_client, [log(weekdays), bad])
        index, message = _only_error(response)
        assert index == "1"
        assert message.startswith(reason)
    assert not ExerciseLog.objects.exists()
    assert post(patient_client, [log(weekdays, date="2026-11-20")]).json()["created"] == 1


def test_a_log_after_the_program_ended_or_for_a_paused_program_is_refused(patient, patient_client):
    ended = factories.ProgramFactory(
        patient=patient, start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 24)
    )
    line = factories.ProgramItemFactory(program=ended)
    _, message = _only_error(post(patient_client, [log(line)]))
    assert message.startswith("The program ended on 2026-11-24")
    assert post(patient_client, [log(line, date="2026-11-24")]).json()["created"] == 1

    paused = factories.ProgramFactory(
        patient=patient, start_date=dt.date(2026, 11, 1), status="paused"
    )
    held = factories.ProgramItemFactory(program=paused)
    _, message = _only_error(post(patient_client, [log(held)]))
    assert message.startswith("The program is paused")


def test_a_log_for_an_older_row_of_a_line_counts_on_the_days_the_line_is_due(
    patient, patient_client
):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 11, 1))
    old = factories.ProgramItemFactory(program=program, valid_until=WEDNESDAY)
    factories.ProgramItemFactory(program=program, key=old.key, valid_from=WEDNESDAY, version=2)
    # The app still showed the old row this morning: the log counts for the line.
    assert post(patient_client, [log(old)]).json()["created"] == 1
    other = factories.ProgramItemFactory(program=program, valid_from=WEDNESDAY)
    _, message = _only_error(post(patient_client, [log(other, date="2026-11-24")]))
    assert message == "This exercise was not in the program on this day."


def test_a_replay_is_still_a_duplicate_once_the_day_is_no_longer_scheduled(patient_client, item):
    first = log(item)
    assert post(patient_client, [first]).json()["created"] == 1
    item.program.status = "paused"
    item.program.save()
    assert post(patient_client, [first]).json() == {"created": 0, "duplicates": 1, "conflicts": []}
