import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from patients.tasks import purge_expired_tokens
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db


@override_settings(TOKEN_CACHE_ENABLED=False)
def test_an_authenticated_request_finds_token_user_and_role_in_one_query(patient):
    client = auth_client(patient.user)
    client.get("/api/v1/me")  # the first call may refresh the token's expiry
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me").status_code == 200
    token_queries = [q for q in queries.captured_queries if "knox_authtoken" in q["sql"]]
    assert len(token_queries) == 1
    assert not [q for q in queries.captured_queries if 'FROM "patients_patient"' in q["sql"]]


def test_a_mangled_token_answers_401_not_500(patient):
    client = auth_client(patient.user)
    client.credentials(HTTP_AUTHORIZATION="Token " + "\u00e9" * 64)
    assert client.get("/api/v1/me").status_code == 401


def test_purge_removes_only_expired_tokens(patient, clinician):
    idle = auth_client(patient.user)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=20)):
        fresh = auth_client(clinician.user)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31)):
        assert purge_expired_tokens() == 1
        assert AuthToken.objects.filter(user=patient.user).count() == 0
        assert fresh.get("/api/v1/patients").status_code == 200
    assert idle.get("/api/v1/me").status_code == 401
