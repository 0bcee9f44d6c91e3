"""Answers that carry patient data or tokens are never stored by a cache."""

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


def test_patient_answers_are_not_stored(patient_client, patient):
    for path in ("/api/v1/me", "/api/v1/me/today", "/api/v1/me/adherence", "/api/v1/me/devices"):
        response = patient_client.get(path)
        assert response.status_code == 200, path
        assert_no_store(response)


def test_clinician_answers_and_errors_are_not_stored(clinician_client, patient):
    for path in (
        "/api/v1/patients",
        f"/api/v1/patients/{patient.pk}",
        f"/api/v1/patients/{patient.pk}/adherence",
        "/api/v1/alerts",
        "/api/v1/patients/999999",
    ):
        assert_no_store(clinician_client.get(path))


def test_sign_in_answers_are_not_stored(patient):
    body = {"email": patient.user.email, "password": factories.PASSWORD}
    response = APIClient().post("/api/v1/auth/login", body, format="json")
    assert response.status_code == 200
    assert_no_store(response)


def test_api_answers_carry_the_same_headers_as_djangos_never_cache(patient_client):
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers
    from django.utils.http import parse_http_date

    response = patient_client.get("/api/v1/me/today")
    wanted = HttpResponse()
    add_never_cache_headers(wanted)
    assert response["Cache-Control"] == wanted["Cache-Control"]
    # Both say "now"; a second may tick between the two.
    assert abs(parse_http_date(response["Expires"]) - parse_http_date(wanted["Expires"])) <= 1
