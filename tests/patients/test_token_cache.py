"""A token's rows come from the shared cache, and every revocation or change of them
takes effect on the very next request."""

import datetime as dt
import os
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken

from config.cache import RedisCache
from notifications.services.outcomes import _mark_bounced
from notifications.services.unsubscribe import patient_unsubscribe_email
from patients import token_cache
from patients.models import TokenSession
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


@pytest.fixture(autouse=True)
def _token_cache_on(settings):
    settings.TOKEN_CACHE_ENABLED = True


def token_queries(client, path=ME):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]


def warm(client):
    """Two requests: the first reads the database and fills the cache."""
    assert client.get(ME).status_code == 200
    assert not token_queries(client)


def test_a_repeated_request_reads_no_token_row(patient):
    client = auth_client(patient.user)
    assert len(token_queries(client)) == 1
    assert client.get("/api/v1/me/today").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me/today").status_code == 200
    assert len(queries) == 0  # the token's rows and today's body, both from the cache


def test_the_cache_is_keyed_by_the_digest_never_the_token(patient):
    client = auth_client(patient.user)
    warm(client)
    assert token_cache.token_rows_cached(hash_token(client.token)) is not None
    assert token_cache.token_rows_cached(client.token) is None


@pytest.mark.parametrize(
    ("logout", "tablet_after"),
    [("/api/v1/auth/logout", 200), ("/api/v1/auth/logout-all", 401)],
    ids=["logout-ends-this-token", "logout-all-ends-every-token"],
)
def test_logout_ends_the_cached_tokens_at_once(patient, logout, tablet_after):
    phone, tablet = auth_client(patient.user), auth_client(patient.user, "tablet")
    warm(phone)
    warm(tablet)
    assert phone.post(logout).status_code == 204
    assert phone.get(ME).status_code == 401
    assert tablet.get(ME).status_code == tablet_after


def test_signing_a_device_out_ends_its_cached_token(patient):
    phone, tablet = auth_client(patient.user), auth_client(patient.user, "tablet")
    warm(tablet)
    session = TokenSession.objects.get(token__digest=hash_token(tablet.token))
    assert phone.delete(f"/api/v1/me/sessions/{session.pk}").status_code == 204
    assert tablet.get(ME).status_code == 401


def test_a_password_change_ends_cached_tokens(patient):
    client = auth_client(patient.user)
    warm(client)
    patient.user.set_password("a-new-password-9183")
    patient.user.save()
    assert client.get(ME).status_code == 401


def test_a_deactivation_ends_cached_tokens(patient):
    client = auth_client(patient.user)
    warm(client)
    patient.user.is_active = False
    patient.user.save()
    assert client.get(ME).status_code == 401


def test_a_token_deleted_in_the_admin_or_by_the_sweep_stops_working(patient):
    client = auth_client(patient.user)
    warm(client)
    AuthToken.objects.filter(digest=hash_token(client.token)).delete()
    assert client.get(ME).status_code == 401


def test_idle_expiry_is_checked_on_the_cached_rows(patient):
    client = auth_client(patient.user)
    warm(client)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert client.get(ME).status_code == 401
    assert not AuthToken.objects.filter(digest=hash_token(client.token)).exists()


def test_absolute_expiry_is_checked_on_the_cached_rows(patient, settings):
    client = auth_client(patient.user)
    warm(client)
    settings.TOKEN_MAX_AGE = dt.timedelta(seconds=30)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        assert client.get(ME).status_code == 401


def test_a_renewed_expiry_is_not_read_stale_from_the_cache(patient):
    client = auth_client(patient.user)
    warm(client)
    # 29 days later the cached entry is long gone; the renewal that follows must not
    # leave a cached expiry that sends every later request back to renew.
    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        assert client.get(ME).status_code == 200
        renewed = AuthToken.objects.get(digest=hash_token(client.token)).expiry
        assert renewed > timezone.now() + dt.timedelta(days=29)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ME).status_code == 200
        assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"]]


def test_a_time_zone_change_shows_at_once(patient):
    client = auth_client(patient.user)
    warm(client)
    assert client.patch(ME, {"timezone": "Asia/Tokyo"}, format="json").status_code == 200
    assert client.get(ME).json()["timezone"] == "Asia/Tokyo"


def test_an_unsubscribe_by_link_and_a_bounce_show_at_once(patient):
    client = auth_client(patient.user)
    path = "/api/v1/me/email-subscription"
    assert client.get(path).json()["subscribed"] is True
    patient_unsubscribe_email(patient=patient)
    assert client.get(path).json()["subscribed"] is False
    assert client.get(path).json()["bounced"] is False
    _mark_bounced({patient.pk}, timezone.now())
    assert client.get(path).json()["bounced"] is True


def test_a_lost_role_shows_at_once(clinician):
    client = auth_client(clinician.user)
    assert client.get("/api/v1/patients").status_code == 200
    clinician.delete()
    assert client.get("/api/v1/patients").status_code == 403


def test_a_request_that_read_before_a_revocation_cannot_cache_it_back(patient):
    client = auth_client(patient.user)
    digest = hash_token(client.token)
    assert client.get(ME).status_code == 200
    rows = token_cache.token_rows_cached(digest)
    assert isinstance(rows, tuple)  # what a late writer would put back
    AuthToken.objects.filter(digest=digest).delete()
    token_cache.token_rows_store(digest, rows)  # the late writer
    assert client.get(ME).status_code == 401


@override_settings(TOKEN_CACHE_ENABLED=False)
def test_without_a_shared_cache_nothing_is_cached(patient):
    client = auth_client(patient.user)
    assert client.get(ME).status_code == 200
    assert len(token_queries(client)) == 1


@pytest.mark.redis
def test_a_revocation_reaches_another_process_through_redis(patient):
    # Another web process has its own cache client over the same Redis.
    location = os.environ["REDIS_URL"]
    params = {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    redis_cache = RedisCache(location, params)
    with override_settings(
        CACHES={"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": location, **params}}
    ):
        phone = auth_client(patient.user)
        warm(phone)
        key = f"auth:token:{hash_token(phone.token)}"
        try:
            assert isinstance(redis_cache.get(key), tuple)
            assert phone.post("/api/v1/auth/logout").status_code == 204
            assert redis_cache.get(key) == token_cache.REVOKED
            assert phone.get(ME).status_code == 401
        finally:
            redis_cache.delete(key)
