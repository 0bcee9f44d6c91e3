import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from patients.models import User
from patients.services.invites import activation_code_issue
from tests import factories
from tests.conftest import auth_client

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ACTIVATE = "/api/v1/auth/activate"
ME = "/api/v1/me"
NEW_PASSWORD = "a long and unusual passphrase 42"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def strict_throttles(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"login": "3/min", "activate": "3/min"}
    )


def login(client, email, password=factories.PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra}, format="json")


def test_patient_logs_in_and_the_token_works(api_client, patient):
    response = login(api_client, patient.user.email, device_name="Pixel 8")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at", "role"}
    assert body["role"] == "patient"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get(ME).status_code == 200
    patient.user.refresh_from_db()
    assert patient.user.last_login is not None


def test_clinician_logs_in_with_role_clinician_and_email_case_does_not_matter(
    api_client, clinician
):
    response = login(api_client, clinician.user.email.upper())
    assert response.status_code == 200
    assert response.json()["role"] == "clinician"


def test_unknown_email_and_wrong_password_answer_the_same(api_client, patient):
    unknown = login(api_client, "nobody@example.com")
    wrong = login(api_client, patient.user.email, "not the password")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.json()["detail"] == "Email or password is incorrect."
    assert unknown["WWW-Authenticate"] == "Token"
    assert AuthToken.objects.count() == 0


def test_unknown_email_still_hashes_a_password(api_client, db):
    with mock.patch.object(User, "set_password", autospec=True) as set_password:
        assert login(api_client, "nobody@example.com").status_code == 401
    set_password.assert_called_once()


def test_inactive_user_and_user_without_role_cannot_log_in(api_client, patient, db):
    patient.user.is_active = False
    patient.user.save()
    staff = factories.UserFactory()
    for email in (patient.user.email, staff.email):
        response = login(api_client, email)
        assert response.status_code == 401
        assert response.json()["detail"] == "Email or password is incorrect."


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "x@example.com"}, {"password": "x"}, {"email": "not-an-email", "password": "x"}],
)
def test_login_field_errors(api_client, db, body):
    response = api_client.post(LOGIN, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"null"])
def test_login_malformed_bodies_answer_400(api_client, db, raw):
    response = api_client.post(LOGIN, raw, content_type="application/json")
    assert response.status_code == 400


def test_repeated_logins_from_one_client_are_throttled(api_client, patient, strict_throttles):
    statuses = [login(api_client, patient.user.email, "wrong").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert login(api_client, patient.user.email).status_code == 429
    assert "Retry-After" in login(api_client, patient.user.email)


def test_failures_for_one_email_are_throttled_across_clients(patient, strict_throttles):
    def from_address(n):
        return APIClient(REMOTE_ADDR=f"10.0.0.{n}")

    for n in range(3):
        assert login(from_address(n), patient.user.email, "wrong").status_code == 401
    assert login(from_address(9), patient.user.email).status_code == 429
    # Another account is not affected.
    other = factories.PatientFactory()
    assert login(from_address(10), other.user.email).status_code == 200


def test_successful_logins_do_not_count_against_the_email(patient, strict_throttles):
    for n in range(5):
        assert login(APIClient(REMOTE_ADDR=f"10.0.1.{n}"), patient.user.email).status_code == 200


def test_logout_revokes_only_that_device(patient):
    phone = auth_client(patient.user, "phone")
    tablet = auth_client(patient.user, "tablet")
    assert phone.post(LOGOUT).status_code == 204
    assert phone.get(ME).status_code == 401
    assert tablet.get(ME).status_code == 200
    assert AuthToken.objects.filter(user=patient.user).count() == 1


def test_logout_needs_a_token(api_client, db):
    assert api_client.post(LOGOUT).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.post(LOGOUT).status_code == 401


def test_a_patient_using_the_app_every_few_days_stays_signed_in(db):
    with time_machine.travel(START, tick=False) as traveller:
        patient = factories.PatientFactory()
        client = auth_client(patient.user)
        for _ in range(15):  # 15 x 4 days = 60 days, well past 30
            traveller.shift(dt.timedelta(days=4))
            assert client.get(ME).status_code == 200
        traveller.shift(dt.timedelta(days=31))
        response = client.get(ME)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_a_token_idle_for_31_days_answers_401(db):
    with time_machine.travel(START, tick=False) as traveller:
        patient = factories.PatientFactory()
        client = auth_client(patient.user)
        traveller.shift(dt.timedelta(days=29))
        assert client.get(ME).status_code == 200
        traveller.shift(dt.timedelta(days=31))
        assert client.get(ME).status_code == 401


def invited_patient():
    patient = factories.PatientFactory()
    patient.user.set_unusable_password()
    patient.user.save()
    return patient, activation_code_issue(patient=patient)


def test_activation_sets_the_password_and_signs_in(api_client, db):
    patient, code = invited_patient()
    response = api_client.post(ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "patient"
    assert set(body) == {"token", "expires_at", "role"}
    assert login(APIClient(), patient.user.email, NEW_PASSWORD).status_code == 200


def test_a_code_works_once_and_bad_codes_share_one_message(api_client, db):
    _, code = invited_patient()
    first = api_client.post(ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json")
    assert first.status_code == 200
    again = api_client.post(ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json")
    unknown = api_client.post(
        ACTIVATE, {"code": "ZZZZZZZZ", "password": NEW_PASSWORD}, format="json"
    )
    assert again.status_code == unknown.status_code == 400
    assert again.json() == unknown.json()
    assert list(again.json()["errors"]) == ["code"]


def test_an_expired_code_answers_like_an_unknown_one(api_client, db):
    with time_machine.travel(START, tick=False) as traveller:
        _, code = invited_patient()
        traveller.shift(dt.timedelta(days=15))
        response = api_client.post(
            ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["code"] == [
            "This code is not valid. Ask your clinic for a new one."
        ]


def test_a_weak_password_is_a_field_error_and_keeps_the_code(api_client, db):
    patient, code = invited_patient()
    weak = api_client.post(ACTIVATE, {"code": code, "password": "12345678"}, format="json")
    assert weak.status_code == 400
    assert list(weak.json()["errors"]) == ["password"]
    patient.user.refresh_from_db()
    assert not patient.user.has_usable_password()
    assert AuthToken.objects.count() == 0
    ok = api_client.post(ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json")
    assert ok.status_code == 200


def test_activation_is_throttled(api_client, db, strict_throttles):
    statuses = [
        api_client.post(
            ACTIVATE, {"code": "WRONG", "password": NEW_PASSWORD}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


@pytest.mark.parametrize("body", [{}, {"code": "ABC"}, {"code": 5, "password": ["x"]}])
def test_activation_field_errors(api_client, db, body):
    assert api_client.post(ACTIVATE, body, format="json").status_code == 400


def test_a_weak_password_answers_the_same_for_a_valid_and_an_invalid_code(api_client, db):
    _, code = invited_patient()
    valid = api_client.post(ACTIVATE, {"code": code, "password": "12345678"}, format="json")
    invalid = api_client.post(ACTIVATE, {"code": "ZZZZZZZZ", "password": "12345678"}, format="json")
    assert valid.status_code == invalid.status_code == 400
    assert valid.json() == invalid.json()
    assert list(valid.json()["errors"]) == ["password"]


def test_weak_password_attempts_count_against_the_activation_limits(api_client, db, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"activate": "100/min", "activate_failures": "3/hour"},
    )
    _, code = invited_patient()
    statuses = [
        APIClient(REMOTE_ADDR=f"10.9.0.{n}")
        .post(ACTIVATE, {"code": code, "password": "12345678"}, format="json")
        .status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_a_code_for_an_account_that_has_a_password_is_refused_and_changes_nothing(
    api_client, patient
):
    from patients.models import ActivationCode
    from patients.services.invites import hash_code

    phone = auth_client(patient.user)
    # A code left over from before the patient activated, or issued by mistake.
    ActivationCode.objects.create(
        patient=patient, code_hash=hash_code("ACDEFGHJ"), expires_at=START + dt.timedelta(days=60)
    )
    with time_machine.travel(START, tick=False):
        response = api_client.post(
            ACTIVATE, {"code": "ACDEFGHJ", "password": NEW_PASSWORD}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["code"]
    patient.user.refresh_from_db()
    assert patient.user.check_password(factories.PASSWORD)
    assert phone.get(ME).status_code == 200


def test_issuing_a_code_for_an_activated_or_deactivated_account_is_refused(db):
    from patients.services.invites import InviteRefused

    activated = factories.PatientFactory()
    with pytest.raises(InviteRefused):
        activation_code_issue(patient=activated)
    deactivated, _ = invited_patient()
    deactivated.user.is_active = False
    deactivated.user.save()
    with pytest.raises(InviteRefused):
        activation_code_issue(patient=deactivated)


def test_redeeming_never_reactivates_a_deactivated_account(api_client, db):
    patient, code = invited_patient()
    User.objects.filter(pk=patient.user.pk).update(is_active=False)  # no save hook
    response = api_client.post(ACTIVATE, {"code": code, "password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    patient.user.refresh_from_db()
    assert not patient.user.is_active
    assert not patient.user.has_usable_password()


def test_a_forged_x_forwarded_for_is_ignored_without_trusted_proxies(patient, strict_throttles):
    statuses = [
        login(APIClient(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), f"x{n}@example.com").status_code
        for n in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_with_one_trusted_proxy_the_address_it_appended_is_the_client(
    patient, strict_throttles, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def via_proxy(n, client_address, forged="198.51.100.7"):
        client = APIClient(HTTP_X_FORWARDED_FOR=f"{forged}, {client_address}")
        return login(client, f"nobody{n}@example.com").status_code

    statuses = [via_proxy(n, "192.0.2.1", forged=f"10.0.0.{n}") for n in range(4)]
    assert statuses == [401] * 3 + [429]
    assert via_proxy(9, "192.0.2.2") == 401  # another client behind the same proxy
