"""With Redis, console sessions are read from the shared cache and written through
to the database; signing out or changing the password still ends a session at once."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD

pytestmark = [pytest.mark.redis, pytest.mark.django_db]
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def signed_in(clinician) -> Client:
    client = Client()
    response = client.post(
        "/clinic/login/", {"username": clinician.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def with_cookie(client: Client) -> Client:
    """Another browser presenting the same session cookie."""
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    return other


def test_with_redis_a_page_reads_no_session_row(clinician):
    assert settings.SESSION_ENGINE == CACHED_DB
    client = signed_in(clinician)
    assert Session.objects.count() == 1  # written through to the database
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/clinic/patients/").status_code == 200
    assert not [q for q in captured if "django_session" in q["sql"]]


def test_a_signed_out_session_is_refused_at_once(clinician):
    client = signed_in(clinician)
    copy = with_cookie(client)
    assert copy.get("/clinic/patients/").status_code == 200
    assert client.post("/clinic/logout/").status_code == 302
    response = copy.get("/clinic/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/clinic/login/")
    assert Session.objects.count() == 0


def test_a_password_change_elsewhere_ends_the_session(clinician):
    client = signed_in(clinician)
    assert client.get("/clinic/patients/").status_code == 200
    clinician.user.set_password("another long passphrase 2026")
    clinician.user.save()
    response = client.get("/clinic/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/clinic/login/")
