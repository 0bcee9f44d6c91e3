"""The schema describes what the server really sends and accepts."""

import re

import pytest
import yaml
from django.core.management import call_command

from tests import factories


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def components(schema) -> dict:
    return schema["components"]["schemas"]


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_error_response_is_documented_as_problem_json(schema):
    seen = 0
    for path, _method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                seen += 1
                assert set(response["content"]) == {"application/problem+json"}, (path, code)
    assert seen > 50


def test_body_operations_document_parser_errors(schema):
    login = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"400", "413", "415"} <= set(login)


def test_problem_errors_is_always_present(schema):
    assert "errors" in components(schema)["Problem"]["required"]


def test_regression_and_progression_are_nullable(schema):
    exercise = components(schema)["ExerciseOut"]["properties"]
    assert exercise["regression"]["nullable"] is True
    assert exercise["progression"]["nullable"] is True


@pytest.mark.django_db
def test_an_exercise_without_regression_matches_its_schema(clinician_client, schema):
    factories.ExerciseFactory(slug="plain", regression=None, progression=None)
    body = clinician_client.get("/api/v1/exercises/plain").json()
    assert body["regression"] is None and body["progression"] is None


def test_pagination_parameters_are_bounded_integers_with_documented_errors(schema):
    operation = schema["paths"]["/api/v1/patients"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["page"] == {"type": "integer", "minimum": 1, "maximum": 999_999_999}
    assert params["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert {"400", "404"} <= set(operation["responses"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "last"}, "page"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_invalid_page_and_page_size_are_field_errors(clinician_client, query, field):
    response = clinician_client.get("/api/v1/patients", query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
def test_a_page_past_the_end_is_a_404_and_page_size_is_honoured(clinician_client, clinician):
    for _ in range(3):
        factories.PatientFactory(clinic=clinician.clinic)
    body = clinician_client.get("/api/v1/patients", {"page_size": "2"}).json()
    assert len(body["results"]) == 2 and body["count"] == 3
    assert (
        clinician_client.get("/api/v1/patients", {"page": "2", "page_size": "2"}).status_code == 200
    )
    response = clinician_client.get("/api/v1/patients", {"page": "3", "page_size": "2"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_server_rules_are_in_the_schema(schema):
    c = components(schema)
    program = c["ProgramInRequest"]
    assert program["properties"]["start_date"]["pattern"].startswith("^(20")
    assert "2000-01-01" in program["properties"]["start_date"]["description"]
    assert {"required": ["template"]}.items() <= program["anyOf"][0].items()
    line = c["ProgramLineInRequest"]["properties"]["days_of_week"]
    assert line["uniqueItems"] is True
    channels = c["RemindersUpdateRequest"]["properties"]["channels"]
    assert channels["uniqueItems"] is True
    zone = c["PatientInRequest"]["properties"]["timezone"]
    zone = c[zone["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert "Europe/London" in zone["enum"] and "Mars/Olympus" not in zone["enum"]
    alerts = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/alerts"]["get"]["parameters"]
    }
    assert alerts["patient"]["type"] == "integer"


def test_request_bodies_are_closed_and_strings_carry_the_control_rule(schema):
    for name, component in components(schema).items():
        if name.endswith("Request") and "oneOf" in component:
            # A choice of bodies (a check-in's answers): each choice is closed.
            for choice in component["oneOf"]:
                chosen = components(schema)[choice["$ref"].rsplit("/", 1)[1]]
                assert chosen["additionalProperties"] is False, (name, choice)
        elif name.endswith("Request"):
            assert component["additionalProperties"] is False, name
    name_pattern = re.compile(
        components(schema)["PatientInRequest"]["properties"]["first_name"]["pattern"]
    )
    assert name_pattern.search("Ada") and not name_pattern.search("Ada\u202e")
    assert not name_pattern.search("\x1b[31m") and not name_pattern.search("   ")
    note = components(schema)["LogInputRequest"]["properties"]["note"]["oneOf"][0]["pattern"]
    assert re.search(note, "line\n\tline") and not re.search(note, "bell\x07")
