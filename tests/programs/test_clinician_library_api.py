import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.json()
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def library(clinic):
    other = factories.ClinicFactory()
    return {
        "bug": factories.ExerciseFactory(
            slug="dead-bug",
            name="Dead bug",
            body_regions=["lumbar", "abdomen"],
            drivers=["anterior_pelvic_tilt"],
            equipment=["mat"],
            level=2,
            instructions=["Press the low back into the floor."],
        ),
        "clam": factories.ExerciseFactory(
            slug="clamshell",
            name="Clamshell",
            category="hip_abductors",
            body_regions=["hip"],
            drivers=["muscle_imbalance"],
            equipment=["band"],
            level=1,
            instructions=["Lie on your side with knees bent."],
        ),
        "own": factories.ExerciseFactory(
            clinic=clinic, slug="our-wall-sit", name="Wall sit", body_regions=["thigh"]
        ),
        "foreign": factories.ExerciseFactory(
            clinic=other, slug="their-secret", name="Aaa secret", body_regions=["lumbar"]
        ),
    }


def test_list_shows_global_and_own_ordered_by_name(clinician_client, library):
    assert slugs(clinician_client.get("/api/v1/exercises")) == [
        "clamshell",
        "dead-bug",
        "our-wall-sit",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=lumbar", ["dead-bug"]),
        ("region=hip", ["clamshell"]),
        ("driver=muscle_imbalance", ["clamshell"]),
        ("equipment=mat", ["dead-bug", "our-wall-sit"]),
        ("category=hip_abductors", ["clamshell"]),
        ("level=2", ["dead-bug"]),
        ("q=floor", ["dead-bug"]),
        ("q=CLAM", ["clamshell"]),
        ("region=thigh&equipment=mat", ["our-wall-sit"]),
    ],
)
def test_filters(clinician_client, library, query, expected):
    assert slugs(clinician_client.get(f"/api/v1/exercises?{query}")) == expected


@pytest.mark.parametrize(
    "query", ["region=knee", "driver=laziness", "level=9", "category=yoga", "equipment=car"]
)
def test_unknown_filter_values_answer_400(clinician_client, library, query):
    response = clinician_client.get(f"/api/v1/exercises?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_create_private_exercise(clinician_client, clinic, library):
    response = clinician_client.post(
        "/api/v1/exercises",
        {
            "slug": "towel-squeeze",
            "name": "Towel squeeze",
            "category": "hip_extension",
            "body_regions": ["hip", "pelvis"],
            "drivers": ["muscle_imbalance"],
            "equipment": ["none"],
            "level": 1,
            "instructions": ["Squeeze a rolled towel between the knees."],
            "regression": "clamshell",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["scope"], body["regression"], body["body_regions"]) == (
        "clinic",
        "clamshell",
        ["hip", "pelvis"],
    )
    assert "towel-squeeze" in slugs(clinician_client.get("/api/v1/exercises?region=pelvis"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "dead-bug"}, "slug"),  # a global slug
        ({"slug": "our-wall-sit"}, "slug"),  # already ours
        ({"slug": "not a slug"}, "slug"),
        ({"category": "yoga"}, "category"),
        ({"body_regions": ["knee"]}, "body_regions"),
        ({"drivers": ["laziness"]}, "drivers"),
        ({"equipment": ["car"]}, "equipment"),
        ({"level": 5}, "level"),
        ({"level": 0}, "level"),
        ({"default_sets": 99}, "default_sets"),
        ({"name": ""}, "name"),
    ],
)
def test_create_validates(clinician_client, library, change, field):
    body = {"slug": "new-one", "name": "New", "category": "stretch", **change}
    response = clinician_client.post("/api/v1/exercises", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_another_clinics_slug_may_be_reused_and_stays_hidden(clinician_client, library):
    response = clinician_client.post(
        "/api/v1/exercises", {"slug": "their-secret", "name": "Ours", "category": "stretch"}
    )
    assert response.status_code == 201
    assert clinician_client.get("/api/v1/exercises/their-secret").json()["name"] == "Ours"


def test_patch_own_and_not_global(clinician_client, library):
    response = clinician_client.patch("/api/v1/exercises/our-wall-sit", {"level": 3})
    assert (response.status_code, response.json()["level"]) == (200, 3)
    assert clinician_client.patch("/api/v1/exercises/dead-bug", {"level": 3}).status_code == 403
    assert clinician_client.get("/api/v1/exercises/dead-bug").status_code == 200
    assert clinician_client.get("/api/v1/exercises/their-secret").status_code == 404
    response = clinician_client.patch(
        "/api/v1/exercises/our-wall-sit", {"regression": "our-wall-sit"}
    )
    assert response.status_code == 400


def test_patient_reads_only_exercises_of_their_programs(patient, patient_client, library):
    program = factories.ProgramFactory(patient=patient)
    factories.ProgramItemFactory(program=program, exercise=library["bug"])
    assert patient_client.get("/api/v1/exercises/dead-bug").status_code == 200
    assert patient_client.get("/api/v1/exercises/clamshell").status_code == 404
    assert patient_client.get("/api/v1/exercises").status_code == 403
    assert patient_client.patch("/api/v1/exercises/dead-bug", {"level": 2}).status_code == 403
    assert patient_client.post("/api/v1/exercises", {}).status_code == 403


def test_list_query_count_does_not_grow(clinician, clinician_client):
    def make(n):
        for _ in range(n):
            easier = factories.ExerciseFactory()
            factories.ExerciseFactory(
                clinic=clinician.clinic, regression=easier, progression=easier
            )

    client = auth_client(clinician.user)
    client.get("/api/v1/exercises")
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/exercises?page_size=200").json()["results"]) == 2
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        assert len(client.get("/api/v1/exercises?page_size=200").json()["results"]) == 100
    assert len(one) == len(fifty)
