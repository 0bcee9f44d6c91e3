"""Malformed JSON never reaches a view, a serializer or a throttle: it is a 400 problem."""

import json

import pytest

LOGIN = "/api/v1/auth/login"
DEEP = "[" * 1000 + "]" * 1000


def post_raw(client, path: str, body: str | bytes):
    return client.post(path, data=body, content_type="application/json")


def assert_problem(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    return body


@pytest.mark.django_db
def test_deeply_nested_json_to_the_unauthenticated_login_is_a_400(api_client):
    body = assert_problem(post_raw(api_client, LOGIN, '{"email": ' + DEEP + "}"))
    assert "nested" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/me/logs", "/api/v1/me", "/api/v1/me/devices", "/api/v1/auth/activate"]
)
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(patient_client, path):
    response = (
        patient_client.patch(path, data=DEEP, content_type="application/json")
        if path == "/api/v1/me"
        else post_raw(patient_client, path, DEEP)
    )
    assert_problem(response)


@pytest.mark.django_db
def test_nesting_below_the_limit_is_parsed_and_then_validated(patient_client):
    # 30 levels: parsed, then refused by the serializer as a field error.
    body = {"logs": [[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    response = post_raw(patient_client, "/api/v1/me/logs", json.dumps(body))
    assert "logs" in assert_problem(response)["errors"]


@pytest.mark.django_db
def test_a_lone_surrogate_in_the_login_email_is_a_400(api_client):
    body = assert_problem(
        post_raw(api_client, LOGIN, '{"email": "a\\ud800@example.com", "password": "x"}')
    )
    assert "surrogate" in body["detail"]


@pytest.mark.django_db
def test_a_surrogate_pair_is_valid_unicode_and_reaches_validation(api_client):
    response = post_raw(api_client, LOGIN, '{"email": "\\ud83d\\ude00", "password": "x"}')
    assert "email" in assert_problem(response)["errors"]


@pytest.mark.django_db
def test_invalid_utf8_and_nan_are_400(api_client):
    assert_problem(post_raw(api_client, LOGIN, b'{"email": "\xff\xfe"}'))
    assert_problem(post_raw(api_client, LOGIN, '{"email": NaN}'))


LONE = "\\ud800"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("category", f'"{LONE}"'),
        ("laterality", f'"{LONE}"'),
        ("body_regions", f'["{LONE}"]'),
        ("equipment", f'["x{LONE}"]'),
        ("name", f'"a{LONE}b"'),
    ],
)
def test_lone_surrogates_in_exercise_fields_are_400_not_500(clinician_client, field, value):
    fields = {"slug": '"my-bridge"', "name": '"Bridge"', "category": '"strength"', field: value}
    raw = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    assert_problem(post_raw(clinician_client, "/api/v1/exercises", raw))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        '{"x' + LONE + '": 1}',
        '{"reminders": {"channels": ["' + LONE + '"]}}',
        '{"timezone": "Europe/' + LONE + '"}',
    ],
)
def test_lone_surrogates_on_patch_me_are_400_not_500(patient_client, raw):
    assert_problem(patient_client.patch("/api/v1/me", data=raw, content_type="application/json"))


@pytest.mark.django_db
def test_lone_surrogates_in_devices_and_patients_are_400_not_500(patient_client, clinician_client):
    assert_problem(
        post_raw(patient_client, "/api/v1/me/devices", '{"platform": "' + LONE + '", "token": "x"}')
    )
    raw = (
        '{"first_name": "A", "last_name": "B", "email": "ab@example.com", '
        '"timezone": "Mars/' + LONE + '"}'
    )
    assert_problem(post_raw(clinician_client, "/api/v1/patients", raw))
