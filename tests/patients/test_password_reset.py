"""Password reset: one answer for every address, a link by role, sessions ended."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db(transaction=True)  # the email leaves on commit

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a brand new and long passphrase 7"


def request_reset(email):
    return APIClient().post(RESET, {"email": email}, format="json")


def link_in(message) -> str:
    return re.search(r"https://\S+", message.body).group(0)


def test_every_address_gets_the_same_202_and_only_an_account_gets_an_email(patient):
    known = request_reset(patient.user.email.upper())
    unknown = request_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [[patient.user.email]]


def test_no_email_for_a_deactivated_account_or_one_without_a_password(db):
    inactive = factories.PatientFactory()
    inactive.user.is_active = False
    inactive.user.save()
    invited = factories.PatientFactory()
    invited.user.set_unusable_password()
    invited.user.save()
    for user in (inactive.user, invited.user):
        assert request_reset(user.email).status_code == 202
    assert mail.outbox == []


def test_a_patient_resets_through_the_app_link_and_every_old_session_ends(patient):
    phone = auth_client(patient.user, "phone")
    request_reset(patient.user.email)
    link = link_in(mail.outbox[0])
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://hep.example/app/reset"
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}

    response = APIClient().post(
        CONFIRM, {"uid": query["uid"], "token": query["token"], "password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at", "role"}
    assert response.json()["role"] == "patient"
    assert phone.get("/api/v1/me").status_code == 401
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert fresh.get("/api/v1/me").status_code == 200
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)
    # The link works once.
    again = APIClient().post(
        CONFIRM, {"uid": query["uid"], "token": query["token"], "password": NEW_PASSWORD + "x"}
    )
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["token"]


def test_a_clinician_gets_the_console_link(clinician):
    request_reset(clinician.user.email)
    uid = urlsafe_base64_encode(force_bytes(clinician.user.pk))
    assert re.fullmatch(
        rf"https://hep\.example/clinic/reset/{uid}/[\w-]+/", link_in(mail.outbox[0])
    )


def test_a_wrong_token_or_uid_and_a_weak_password_are_field_errors(patient):
    uid = urlsafe_base64_encode(force_bytes(patient.user.pk))
    token = default_token_generator.make_token(patient.user)
    client = APIClient()
    for body in (
        {"uid": uid, "token": "abc-def", "password": NEW_PASSWORD},
        {"uid": "!!", "token": token, "password": NEW_PASSWORD},
        {"uid": urlsafe_base64_encode(b"99999"), "token": token, "password": NEW_PASSWORD},
    ):
        response = client.post(CONFIRM, body, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["token"]
    weak = client.post(CONFIRM, {"uid": uid, "token": token, "password": "12345678"})
    assert weak.status_code == 400
    assert list(weak.json()["errors"]) == ["password"]
    assert patient.user.check_password(factories.PASSWORD)
    assert AuthToken.objects.count() == 0
