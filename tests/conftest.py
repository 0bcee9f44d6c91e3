"""Shared fixtures.

Tests marked `postgres` or `redis` need the real services. Locally they skip when
DATABASE_URL / REDIS_URL are not set; with REQUIRE_SERVICES=1 (as .ci/run sets)
a missing service fails them instead, so CI can never skip them silently.
"""

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not configured", pytrace=False)
    pytest.skip(f"{what} not configured")


def pytest_runtest_setup(item):
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("Redis (REDIS_URL)")
    if item.get_closest_marker("postgres") and not os.environ.get("DATABASE_URL"):
        _missing("PostgreSQL (DATABASE_URL)")


@pytest.fixture(scope="session", autouse=True)
def _database_matches_requirement(django_db_setup, django_db_blocker):
    """In CI the suite must really run against PostgreSQL."""
    if REQUIRE_SERVICES:
        assert connection.vendor == "postgresql", (
            f"expected PostgreSQL in CI, got {connection.vendor}"
        )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def clinic(db):
    return factories.ClinicFactory()


@pytest.fixture
def clinician(clinic):
    return factories.ClinicianFactory(clinic=clinic)


@pytest.fixture
def patient(clinician):
    return factories.PatientFactory(clinic=clinician.clinic, primary_clinician=clinician)


def auth_client(user, device_name: str = "test device") -> APIClient:
    """An API client holding a real per-device token for `user`."""
    from patients.services.sessions import token_create

    _, token = token_create(user=user, device_name=device_name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.token = token
    return client


@pytest.fixture
def patient_client(patient) -> APIClient:
    return auth_client(patient.user)


@pytest.fixture
def clinician_client(clinician) -> APIClient:
    return auth_client(clinician.user)


# --- Browser tests ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright, the machine's own binary)."""
    from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, require_browser

    require_browser()
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are still synchronous.
    # Subprocesses a test starts must drop it (see tests/test_settings.py).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.close()


@pytest.fixture
def public_dns(monkeypatch):
    """Names resolve to one public address (this machine has no DNS; DNS is outside)."""
    import socket

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
