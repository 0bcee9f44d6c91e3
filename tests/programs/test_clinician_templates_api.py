import pytest

from programs.models import TemplateItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercises(db):
    return [factories.ExerciseFactory(slug=s) for s in ("dead-bug", "glute-bridge", "plank")]


def item(slug, order, **extra):
    return {"exercise": slug, "order": order, "sets": 2, "reps": 10, **extra}


def test_create_and_read_own_protocol(clinician_client, exercises):
    response = clinician_client.post(
        "/api/v1/templates",
        {
            "name": "Core basics",
            "description": "Twice a week.",
            "items": [
                item("dead-bug", 1, days_of_week=[1, 4], notes="Slowly."),
                item("plank", 2, sets=None, reps=None, hold_seconds=30),
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scope"] == "clinic"
    assert [(i["exercise"], i["days_of_week"], i["hold_seconds"]) for i in body["items"]] == [
        ("dead-bug", [1, 4], None),
        ("plank", [1, 2, 3, 4, 5, 6, 7], 30),
    ]
    listed = clinician_client.get("/api/v1/templates").json()["results"]
    assert [t["name"] for t in listed] == ["Core basics"]


def test_patch_replaces_items_in_one_go(clinician_client, clinic, exercises):
    template = factories.ProgramTemplateFactory(clinic=clinic)
    factories.TemplateItemFactory(template=template, exercise=exercises[0], order=1)
    response = clinician_client.patch(
        f"/api/v1/templates/{template.pk}",
        {"name": "Renamed", "items": [item("plank", 1), item("glute-bridge", 2)]},
    )
    assert response.status_code == 200, response.json()
    assert [i["exercise"] for i in response.json()["items"]] == ["plank", "glute-bridge"]
    assert response.json()["name"] == "Renamed"


def test_bad_item_changes_nothing(clinician_client, clinic, exercises):
    template = factories.ProgramTemplateFactory(clinic=clinic)
    factories.TemplateItemFactory(template=template, exercise=exercises[0], order=1)
    bad = [item("plank", 1), item("glute-bridge", 2, days_of_week=[8])]
    response = clinician_client.patch(f"/api/v1/templates/{template.pk}", {"items": bad})
    assert response.status_code == 400
    errors = response.json()["errors"]["items"]
    assert "days_of_week" in (errors["1"] if isinstance(errors, dict) else errors[1])
    dup = [item("plank", 1), item("glute-bridge", 1)]
    assert (
        clinician_client.patch(f"/api/v1/templates/{template.pk}", {"items": dup}).status_code
        == 400
    )
    missing = [item("plank", 1), {"order": 2}]
    response = clinician_client.patch(f"/api/v1/templates/{template.pk}", {"items": missing})
    assert response.status_code == 400
    assert list(TemplateItem.objects.filter(template=template).values_list("exercise__slug")) == [
        ("dead-bug",)
    ]


def test_global_protocols_are_read_only(clinician_client, exercises):
    starter = factories.ProgramTemplateFactory(clinic=None, name="Starter")
    factories.TemplateItemFactory(template=starter, exercise=exercises[0], order=1)
    assert clinician_client.get(f"/api/v1/templates/{starter.pk}").json()["scope"] == "global"
    response = clinician_client.patch(f"/api/v1/templates/{starter.pk}", {"name": "Mine"})
    assert response.status_code == 403
