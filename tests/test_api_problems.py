"""Every error answer under /api/ is one problem+json shape, Django's own included."""

import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.test import RequestFactory

from config.api.middleware import ProblemResponseMiddleware

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programs/abc",
        "/api/v1/patients/1.5/programs",
        "/api/v1/me/devices/x",
        "/api/v1/no-such-route",
        "/api/nothing",
    ],
)
def test_unknown_routes_and_non_integer_ids_are_problem_404s(patient_client, path):
    assert_problem(patient_client.get(path), 404)


@pytest.mark.django_db
def test_wrong_method_is_a_problem_405_with_allow(patient_client):
    response = patient_client.put("/api/v1/me", data="{}", content_type="application/json")
    assert_problem(response, 405)
    assert "PATCH" in response["Allow"]


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_a_413_logged_once_as_a_warning(
    api_client, settings, caplog
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    with caplog.at_level(logging.INFO):
        response = api_client.post(
            "/api/v1/auth/login",
            data='{"email": "' + "x" * 2000 + '"}',
            content_type="application/json",
        )
    assert_problem(response, 413)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None


def test_django_refusing_a_large_body_under_api_is_a_413_not_an_html_400():
    middleware = ProblemResponseMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().post("/api/v1/auth/login")
    response = middleware.process_exception(request, RequestDataTooBig("too big"))
    assert_problem(response, 413)
    assert (
        middleware.process_exception(RequestFactory().post("/admin/"), RequestDataTooBig()) is None
    )


def test_html_error_pages_outside_api_are_left_alone():
    page = HttpResponse("<h1>Not found</h1>", status=404)
    middleware = ProblemResponseMiddleware(lambda request: page)
    assert middleware(RequestFactory().get("/admin/nope")) is page
    converted = middleware(RequestFactory().get("/api/v1/nope"))
    assert_problem(converted, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call, status",
    [
        (lambda c: c.get("/api/v1/me"), 401),
        (lambda c: c.post("/api/v1/auth/login", {"email": "x"}, format="json"), 400),
    ],
)
def test_errors_is_always_present(api_client, call, status):
    body = assert_problem(call(api_client), status)
    assert isinstance(body["errors"], dict)
    if status == 401:
        assert body["errors"] == {}
