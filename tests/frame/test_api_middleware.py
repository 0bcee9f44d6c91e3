"""The token API skips the browser-only middleware (sessions, CSRF, the session user,
messages, CSP, htmx); the console and the admin keep every one of them."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from config.middleware import API_PREFIX
from tests import factories

pytestmark = pytest.mark.django_db


def _api_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and ("/" + route).startswith(API_PREFIX):
            yield route, entry.callback


def test_every_api_view_is_a_csrf_exempt_token_only_drf_view():
    # What makes leaving sessions and CSRF out of /api/v1/ safe: no view there can be
    # reached with a session cookie, so there is no cross-site request to forge.
    views = list(_api_views())
    assert len(views) > 30
    for route, callback in views:
        view_class = getattr(callback, "cls", None)
        assert view_class is not None and issubclass(view_class, APIView), route
        assert getattr(callback, "csrf_exempt", False), route
        for authentication in view_class().get_authenticators():
            assert not isinstance(authentication, SessionAuthentication), route


def test_api_requests_skip_the_browser_middleware(patient_client, clinician):
    response = patient_client.get("/api/v1/me/today")
    assert response.status_code == 200
    request = response.wsgi_request
    for attribute in ("session", "_messages", "csp_nonce", "htmx"):
        assert not hasattr(request, attribute), attribute
    page = Client().get("/clinic/login/").wsgi_request
    for attribute in ("session", "_messages", "csp_nonce", "htmx", "user"):
        assert hasattr(page, attribute), attribute


def test_api_answers_set_no_session_or_csrf_cookie_and_no_csp(patient_client):
    response = patient_client.get("/api/v1/me/today")
    assert response.status_code == 200
    assert not response.cookies
    assert "Content-Security-Policy" not in response
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    # The headers every answer keeps.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_session_cookie_does_not_authenticate_the_api(patient):
    client = Client()
    client.force_login(patient.user)
    assert client.get("/api/v1/me").status_code == 401


def test_console_posts_still_need_the_csrf_token(clinician):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/clinic/login/")
    assert page.status_code == 200
    assert "csrftoken" in page.cookies
    assert "Content-Security-Policy" in page
    body = {"username": clinician.user.email, "password": factories.PASSWORD}
    assert client.post("/clinic/login/", body).status_code == 403
    token = page.cookies["csrftoken"].value
    signed_in = client.post("/clinic/login/", {**body, "csrfmiddlewaretoken": token})
    assert signed_in.status_code == 302
    assert "sessionid" in signed_in.cookies
