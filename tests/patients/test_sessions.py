"""Sessions: named devices, logout everywhere, and every path that sets a password
or deactivates an account ends all of them."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from patients.models import User
from patients.services.invites import activation_code_issue
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
SESSIONS = "/api/v1/me/sessions"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "another long passphrase 2026"


def test_login_stores_the_device_name_and_sessions_list_it(patient):
    client = APIClient()
    body = {"email": patient.user.email, "password": factories.PASSWORD, "device_name": "Pixel 8"}
    token = client.post("/api/v1/auth/login", body, format="json").json()["token"]
    tablet = auth_client(patient.user, "iPad")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    rows = client.get(SESSIONS).json()

    assert {row["device_name"]: row["current"] for row in rows} == {"Pixel 8": True, "iPad": False}
    assert set(rows[0]) == {
        "id",
        "device_name",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
    }
    assert tablet.get(SESSIONS).status_code == 200


def test_deleting_a_session_signs_that_device_out_and_others_are_404(patient):
    phone = auth_client(patient.user, "phone")
    tablet = auth_client(patient.user, "tablet")
    stranger = auth_client(factories.PatientFactory().user, "theirs")
    tablet_id = next(r["id"] for r in phone.get(SESSIONS).json() if r["device_name"] == "tablet")
    theirs = stranger.get(SESSIONS).json()[0]["id"]

    assert phone.delete(f"{SESSIONS}/{theirs}").status_code == 404
    assert stranger.get(ME).status_code == 200
    assert phone.delete(f"{SESSIONS}/{tablet_id}").status_code == 204
    assert tablet.get(ME).status_code == 401
    assert phone.get(ME).status_code == 200


def test_logout_all_ends_every_device(patient):
    phone = auth_client(patient.user, "phone")
    tablet = auth_client(patient.user, "tablet")
    other = auth_client(factories.PatientFactory().user)
    assert phone.post("/api/v1/auth/logout-all").status_code == 204
    assert phone.get(ME).status_code == 401
    assert tablet.get(ME).status_code == 401
    assert other.get(ME).status_code == 200


def test_last_used_follows_requests(patient):
    with time_machine.travel(START, tick=False) as traveller:
        client = auth_client(patient.user, "phone")
        traveller.shift(dt.timedelta(days=3))
        row = client.get(SESSIONS).json()[0]
    assert dt.datetime.fromisoformat(row["created_at"]) == START
    assert dt.datetime.fromisoformat(row["last_used_at"]) == START + dt.timedelta(days=3)


def test_a_token_used_every_day_still_ends_at_its_absolute_lifetime(patient, settings):
    settings.TOKEN_MAX_AGE = dt.timedelta(days=10)
    with time_machine.travel(START, tick=False) as traveller:
        client = auth_client(patient.user)
        for _ in range(9):
            traveller.shift(dt.timedelta(days=1))
            assert client.get(ME).status_code == 200
        traveller.shift(dt.timedelta(days=1, minutes=1))
        assert client.get(ME).status_code == 401
    assert AuthToken.objects.count() == 0


def test_login_reports_the_earlier_of_idle_and_absolute_expiry(patient, settings):
    settings.TOKEN_MAX_AGE = dt.timedelta(days=5)
    body = {"email": patient.user.email, "password": factories.PASSWORD}
    with time_machine.travel(START, tick=False):
        answer = APIClient().post("/api/v1/auth/login", body, format="json").json()
    assert dt.datetime.fromisoformat(answer["expires_at"]) == START + dt.timedelta(days=5)


# --- every path that sets a password or deactivates ----------------------------------


def test_set_password_form_ends_every_session(patient):
    """Django's SetPasswordForm, as PasswordResetConfirmView uses it."""
    client = auth_client(patient.user)
    form = SetPasswordForm(
        patient.user, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert client.get(ME).status_code == 401


def test_password_reset_confirm_view_ends_every_session(patient, settings):
    """Django's own PasswordResetConfirmView, the page the console's reset link opens."""
    from django.contrib.auth.tokens import default_token_generator
    from django.contrib.auth.views import PasswordResetConfirmView
    from django.test import RequestFactory
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    api = auth_client(patient.user)
    uid = urlsafe_base64_encode(force_bytes(patient.user.pk))
    token = default_token_generator.make_token(patient.user)
    view = PasswordResetConfirmView.as_view(success_url="/done/")
    factory = RequestFactory()
    request = factory.get("/")
    request.session = Client().session
    redirect = view(request, uidb64=uid, token=token)
    assert redirect.status_code == 302
    post = factory.post(
        redirect.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    post.session = request.session
    response = view(post, uidb64=uid, token="set-password")
    assert response.status_code == 302, getattr(response, "context_data", None)
    assert api.get(ME).status_code == 401


def test_the_admins_password_change_ends_every_session(patient):
    api = auth_client(patient.user)
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="root@hep.test", password="x"))
    url = reverse("admin:auth_user_password_change", args=[patient.user.pk])
    response = admin.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302
    assert api.get(ME).status_code == 401


def test_deactivating_an_account_ends_sessions_and_expires_its_codes(db):
    patient = factories.PatientFactory()
    patient.user.set_unusable_password()
    patient.user.save()
    code = activation_code_issue(patient=patient)
    api = auth_client(patient.user)
    patient.user.is_active = False
    patient.user.save()
    assert api.get(ME).status_code == 401
    assert AuthToken.objects.filter(user=patient.user).count() == 0
    patient.user.is_active = True  # even re-enabled, the old code stays spent
    patient.user.save()
    response = APIClient().post(
        "/api/v1/auth/activate", {"code": code, "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 400


class FastPBKDF2(PBKDF2PasswordHasher):
    iterations = 1000


def test_a_login_that_upgrades_the_hash_keeps_other_sessions(patient, settings):
    settings.PASSWORD_HASHERS = [
        "tests.patients.test_sessions.FastPBKDF2",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    phone = auth_client(patient.user)
    body = {"email": patient.user.email, "password": factories.PASSWORD}
    assert APIClient().post("/api/v1/auth/login", body, format="json").status_code == 200
    patient.user.refresh_from_db()
    assert patient.user.password.startswith("pbkdf2_sha256$")  # upgraded on login
    assert phone.get(ME).status_code == 200
