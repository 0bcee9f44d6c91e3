import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Program, ProgramItem, ProgramPause, days_to_mask
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def protocol(clinic):
    template = factories.ProgramTemplateFactory(clinic=None, name="Hip stability")
    for order, slug in enumerate(("clamshell", "side-plank", "single-leg-bridge"), start=1):
        factories.TemplateItemFactory(
            template=template,
            exercise=factories.ExerciseFactory(slug=slug),
            order=order,
            sets=2,
            reps=12,
            days_mask=days_to_mask([1, 3, 5]),
        )
    return template


def lines(response):
    assert response.status_code in (200, 201), response.json()
    return [
        (i["order"], i["exercise"], i["sets"], i["reps"], i["hold_seconds"], i["days_of_week"])
        for i in response.json()["items"]
    ]


def test_assign_from_protocol_with_overrides(clinician_client, patient, protocol):
    factories.ExerciseFactory(slug="dead-bug", default_sets=3, default_reps=8)
    response = clinician_client.post(
        f"/api/v1/patients/{patient.pk}/programs",
        {
            "name": "Hip block 1",
            "template": protocol.pk,
            "start_date": "2026-11-23",
            "items": [
                {"order": 2, "sets": None, "reps": None, "hold_seconds": 30},  # by order
                {"exercise": "single-leg-bridge", "reps": 8},  # by exercise
                {"exercise": "dead-bug", "days_of_week": [2, 4]},  # a new line
            ],
        },
    )
    assert lines(response) == [
        (1, "clamshell", 2, 12, None, [1, 3, 5]),
        (2, "side-plank", None, None, 30, [1, 3, 5]),
        (3, "single-leg-bridge", 2, 8, None, [1, 3, 5]),
        (4, "dead-bug", 3, 8, None, [2, 4]),
    ]
    body = response.json()
    assert (body["version"], body["status"], body["template"]) == (1, "active", protocol.pk)
    program = Program.objects.get(pk=body["id"])
    assert {i.valid_from for i in program.items.all()} == {dt.date(2026, 11, 23)}
    listed = clinician_client.get(f"/api/v1/patients/{patient.pk}/programs").json()["results"]
    assert [p["id"] for p in listed] == [program.pk]


def test_assign_from_scratch_and_several_active(clinician_client, patient, protocol):
    body = {"name": "Core", "start_date": "2026-11-25", "items": [{"exercise": "clamshell"}]}
    assert lines(clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body)) == [
        (1, "clamshell", 2, 10, None, [1, 2, 3, 4, 5, 6, 7])
    ]
    body = {"name": "Hips", "start_date": "2026-11-25", "template": protocol.pk}
    assert clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body).status_code == 201
    assert Program.objects.filter(patient=patient, status="active").count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "start_date": "2026-11-25"},  # neither template nor items
        {
            "name": "X",
            "start_date": "2026-11-25",
            "end_date": "2026-11-01",
            "items": [{"exercise": "clamshell"}],
        },
        {"name": "X", "start_date": "1200-01-01", "items": [{"exercise": "clamshell"}]},
        {
            "name": "X",
            "start_date": "2026-11-25",
            "items": [{"exercise": "clamshell"}, {"exercise": "side-plank", "sets": 0}],
        },
        {
            "name": "X",
            "start_date": "2026-11-25",
            "items": [{"exercise": "clamshell"}, {"sets": 2}],
        },
        {
            "name": "X",
            "start_date": "2026-11-25",
            "items": [
                {"exercise": "clamshell", "order": 1},
                {"exercise": "side-plank", "order": 1},
            ],
        },
        {
            "name": "X",
            "start_date": "2026-11-25",
            "items": [{"exercise": "clamshell", "times_per_day": 11}],
        },
        {"name": "X", "start_date": "2026-11-25", "items": "nope"},
        {"name": "X", "start_date": "not a date", "items": [{"exercise": "clamshell"}]},
    ],
)
def test_bad_program_creates_nothing(clinician_client, patient, protocol, body):
    response = clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body)
    assert response.status_code == 400, response.json()
    assert not Program.objects.exists() and not ProgramItem.objects.exists()


def test_unknown_exercise_in_items_is_404_and_creates_nothing(clinician_client, patient, protocol):
    body = {
        "name": "X",
        "start_date": "2026-11-25",
        "items": [{"exercise": "clamshell"}, {"exercise": "ghost"}],
    }
    assert clinician_client.post(f"/api/v1/patients/{patient.pk}/programs", body).status_code == 404
    assert not Program.objects.exists()


def test_pause_resume_complete(clinician_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(days=10))
    url = f"/api/v1/programs/{program.pk}"
    assert clinician_client.post(f"{url}/resume").status_code == 409
    response = clinician_client.post(f"{url}/pause")
    assert response.json()["status"] == "paused"
    assert response.json()["pauses"] == [{"start": "2026-11-25", "end": None}]
    assert clinician_client.post(f"{url}/pause").status_code == 409
    response = clinician_client.post(f"{url}/resume")
    assert response.json()["status"] == "active"
    assert ProgramPause.objects.get(program=program).end == TODAY
    response = clinician_client.post(f"{url}/complete")
    assert (response.json()["status"], response.json()["end_date"]) == ("completed", "2026-11-25")
    for action in ("pause", "resume", "complete"):
        response = clinician_client.post(f"{url}/{action}")
        assert response.status_code == 409 and response.json()["detail"]


def test_patch_name_and_end_date(clinician_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=TODAY)
    factories.ProgramItemFactory(program=program)
    response = clinician_client.patch(
        f"/api/v1/programs/{program.pk}", {"name": "New", "end_date": "2026-12-31"}
    )
    assert (response.json()["name"], response.json()["end_date"], response.json()["version"]) == (
        "New",
        "2026-12-31",
        1,
    )
    response = clinician_client.patch(f"/api/v1/programs/{program.pk}", {"end_date": "2026-01-01"})
    assert response.status_code == 400


def test_programs_list_query_count_is_constant(clinician, patient):
    def make(n):
        for _ in range(n):
            program = factories.ProgramFactory(patient=patient)
            for _ in range(3):
                factories.ProgramItemFactory(program=program)
            ProgramPause.objects.create(
                program=program, start=TODAY - dt.timedelta(days=3), end=TODAY
            )

    client = auth_client(clinician.user)
    url = f"/api/v1/patients/{patient.pk}/programs?page_size=100"
    client.get(url)
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["results"]) == 1
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get(url).json()["results"]) == 50
    assert len(one) == len(fifty)


def test_data_days_are_the_patients_last_30_local_dates_with_a_log(clinician_client, clinic):
    """RTM data days: each local date of the last 30 (today included) with any log, once."""
    patient = factories.PatientFactory(clinic=clinic, timezone="Pacific/Auckland")
    local_today = TODAY + dt.timedelta(days=1)  # 01:00 tomorrow in Auckland
    program = factories.ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(days=40))
    item = factories.ProgramItemFactory(program=program)
    for days_ago in (30, 29, 29, 12, 0):
        factories.ExerciseLogFactory(item=item, date=local_today - dt.timedelta(days=days_ago))
    body = clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence").json()
    assert (body["data_days_last_30"], body["rtm_eligible"]) == (3, False)


def test_adherence_report(clinician_client, patient):
    program = factories.ProgramFactory(patient=patient, start_date=TODAY - dt.timedelta(days=40))
    item = factories.ProgramItemFactory(program=program, times_per_day=2)
    for days_ago in range(0, 20):  # 20 data days in the last 30
        factories.ExerciseLogFactory(
            item=item, date=TODAY - dt.timedelta(days=days_ago), pain=days_ago % 3
        )
    factories.ExerciseLogFactory(item=item, date=TODAY - dt.timedelta(days=1), pain=6)
    response = clinician_client.get(
        f"/api/v1/patients/{patient.pk}/adherence?from=2026-11-23&to=2026-11-25"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["days"] == [
        {"date": "2026-11-23", "scheduled": 2, "done": 1, "pain_average": 2.0},
        {"date": "2026-11-24", "scheduled": 2, "done": 2, "pain_average": 3.5},
        {"date": "2026-11-25", "scheduled": 2, "done": 1, "pain_average": 0.0},
    ]
    # Today (1 of 2 done) is still in progress, so the rates count the 23rd and 24th.
    assert body["totals"] == {
        "scheduled": 6,
        "done": 4,
        "days_complete_rate": 50.0,
        "items_done_rate": 75.0,
        "rate": 75.0,
        "pain_average": 1.8,
    }
    assert (body["data_days_last_30"], body["rtm_eligible"]) == (20, True)
    default = clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence").json()
    assert (default["from_date"], default["to_date"], len(default["days"])) == (
        "2026-10-27",
        "2026-11-25",
        30,
    )


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-11-25&to=2026-11-01",
        "from=2025-01-01&to=2026-11-25",
        "from=yesterday",
        "to=0001-01-01",
    ],
)
def test_adherence_report_rejects_bad_ranges(clinician_client, patient, query):
    response = clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence?{query}")
    assert response.status_code == 400


def test_adherence_report_query_count_over_90_days(clinician, patient):
    def make(n):
        for _ in range(n):
            program = factories.ProgramFactory(
                patient=patient, start_date=TODAY - dt.timedelta(days=100)
            )
            item = factories.ProgramItemFactory(program=program)
            for days_ago in range(0, 90, 2):
                factories.ExerciseLogFactory(
                    item=item, date=TODAY - dt.timedelta(days=days_ago), pain=2
                )

    client = auth_client(clinician.user)
    url = f"/api/v1/patients/{patient.pk}/adherence?from=2026-08-28&to=2026-11-25"
    client.get(url)
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["days"]) == 90
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).json()["totals"]["scheduled"] == 50 * 90
    assert len(one) == len(fifty)
