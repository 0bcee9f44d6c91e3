"""The OpenAPI schema is what the app team and fuzzers consume: it must be complete and clean."""

import pytest
import yaml
from django.core.management import call_command

CONTRACT_PATHS = {
    "/api/v1/auth/login": {"post"},
    "/api/v1/auth/logout": {"post"},
    "/api/v1/auth/activate": {"post"},
    "/api/v1/me": {"get", "patch"},
    "/api/v1/me/today": {"get"},
    "/api/v1/me/days": {"get"},
    "/api/v1/me/logs": {"post"},
    "/api/v1/me/adherence": {"get"},
    "/api/v1/me/devices": {"post"},
    "/api/v1/me/devices/{id}": {"delete"},
    "/api/v1/exercises": {"get", "post"},
    "/api/v1/exercises/{slug}": {"get", "patch"},
    "/api/v1/templates": {"get", "post"},
    "/api/v1/templates/{id}": {"get", "patch"},
    "/api/v1/patients": {"get", "post"},
    "/api/v1/patients/{id}": {"get", "patch"},
    "/api/v1/patients/{id}/programs": {"get", "post"},
    "/api/v1/programs/{id}": {"get", "patch"},
    "/api/v1/programs/{id}/pause": {"post"},
    "/api/v1/programs/{id}/resume": {"post"},
    "/api/v1/programs/{id}/complete": {"post"},
    "/api/v1/patients/{id}/adherence": {"get"},
    "/api/v1/alerts": {"get"},
    "/api/v1/alerts/{id}/resolve": {"post"},
    "/api/v1/suggestions": {"get"},
    "/api/v1/suggestions/{id}/accept": {"post"},
    "/api/v1/suggestions/{id}/dismiss": {"post"},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --validate checks it against the OpenAPI 3 meta-schema; --fail-on-warn makes any
    # endpoint drf-spectacular cannot describe exactly a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_contract_endpoint_is_described(schema):
    for path, methods in CONTRACT_PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))


UNAUTHENTICATED = {
    "/api/v1/auth/login",
    "/api/v1/auth/activate",
    "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm",
}


def test_every_operation_documents_its_success_and_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (method, path)
            if path not in UNAUTHENTICATED:
                assert "401" in codes, (method, path)


def test_token_auth_is_declared(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(
        scheme.get("scheme") == "Token" or "Token" in str(scheme) for scheme in schemes.values()
    )


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
