"""Signing in to the console and the admin: lockouts (django-axes) per account and per
address, TOTP (django-otp) and the clinic's rule, password reset by email."""

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return factories.ClinicianFactory()


def sign_in(client: Client, email: str, password: str, path: str = "/clinic/login/", ip="10.0.0.1"):
    return client.post(path, {"username": email, "password": password}, REMOTE_ADDR=ip)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_then_out(client, staff):
    response = sign_in(client, staff.user.email, factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200
    assert client.get("/clinic/logout/").status_code == 200  # asks to confirm
    client.post("/clinic/logout/")
    assert client.get("/clinic/").status_code == 302


def test_a_wrong_password_is_shown_on_the_form(client, staff):
    response = sign_in(client, staff.user.email, "wrong")
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert b"Enter the email and password of a clinic account." in response.content


def test_a_patient_cannot_sign_in_to_the_console(client, patient):
    response = sign_in(client, patient.user.email, factories.PASSWORD)
    assert response.status_code == 200
    assert b"This sign-in is for clinic staff" in response.content


@pytest.mark.parametrize("path", ["/clinic/login/", "/admin/login/"])
def test_an_account_locks_after_five_failures_even_with_the_right_password(client, path):
    user = factories.UserFactory(is_staff=True)
    factories.ClinicianFactory(user=user)
    for n in range(5):  # from five different addresses
        sign_in(client, user.email, "wrong", path=path, ip=f"10.0.1.{n}")
    response = sign_in(client, user.email, factories.PASSWORD, path=path, ip="10.0.2.1")
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_failures_for_other_accounts_from_other_addresses_do_not_lock_anyone(client, staff):
    for n in range(6):
        sign_in(client, f"guess{n}@example.com", "wrong", ip=f"10.7.0.{n}")
    assert sign_in(client, staff.user.email, factories.PASSWORD, ip="10.7.1.1").status_code == 302


def test_the_account_is_counted_whatever_the_case_of_its_email(client, staff):
    for n in range(5):
        sign_in(client, staff.user.email.upper(), "wrong", ip=f"10.6.0.{n}")
    assert sign_in(client, staff.user.email, factories.PASSWORD, ip="10.6.1.1").status_code == 429


def test_an_address_locks_after_five_failures_across_accounts(client, staff):
    for n in range(5):
        sign_in(client, f"guess{n}@example.com", "wrong", ip="10.9.9.9")
    assert sign_in(client, staff.user.email, factories.PASSWORD, ip="10.9.9.9").status_code == 429
    # another address is not affected
    assert sign_in(client, staff.user.email, factories.PASSWORD, ip="10.9.9.10").status_code == 302


def test_a_forwarded_header_does_not_change_the_counted_address(client, staff):
    for n in range(5):
        client.post(
            "/clinic/login/",
            {"username": f"guess{n}@example.com", "password": "wrong"},
            REMOTE_ADDR="10.8.8.8",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = sign_in(client, staff.user.email, factories.PASSWORD, ip="10.8.8.8")
    assert response.status_code == 429


def test_api_login_failures_do_not_lock_the_console(client, api_client, staff):
    for _ in range(8):
        api_client.post(
            "/api/v1/auth/login", {"email": staff.user.email, "password": "wrong"}, format="json"
        )
    assert sign_in(client, staff.user.email, factories.PASSWORD).status_code == 302


def test_totp_set_up_then_required_at_the_next_sign_in(client, staff):
    client.force_login(staff.user)
    page = client.get("/clinic/account/two-factor/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=staff.user, confirmed=False)
    bad = client.post("/clinic/account/two-factor/", {"token": "000000"})
    assert bad.status_code == 400 and b'role="alert"' in bad.content
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes are throttled
    device.throttle_reset()
    response = client.post("/clinic/account/two-factor/", {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    fresh = Client()
    response = sign_in(fresh, staff.user.email, factories.PASSWORD)
    assert response["Location"] == "/clinic/"
    gated = fresh.get("/clinic/patients/")
    assert gated.status_code == 302 and gated["Location"].startswith("/clinic/verify/")
    assert fresh.get("/admin/").status_code == 302  # the admin asks for the code too
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this test
    device.save()
    ok = fresh.post("/clinic/verify/?next=/clinic/patients/", {"token": current_code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/clinic/patients/"
    assert fresh.get("/clinic/patients/").status_code == 200


def test_an_owner_can_require_two_factor_for_the_whole_clinic(client):
    owner = factories.ClinicianFactory(role="owner")
    colleague = factories.ClinicianFactory(clinic=owner.clinic)
    client.force_login(owner.user)
    response = client.post(
        "/clinic/account/", {"action": "clinic-rule", "require_two_factor": "on"}
    )
    assert response.status_code == 302
    owner.clinic.refresh_from_db()
    assert owner.clinic.require_two_factor

    other = Client()
    other.force_login(colleague.user)
    response = other.get("/clinic/")
    assert response.status_code == 302
    assert response["Location"].startswith("/clinic/account/two-factor/")


def test_a_clinician_who_is_not_owner_cannot_change_the_rule(client, staff):
    client.force_login(staff.user)
    response = client.post(
        "/clinic/account/", {"action": "clinic-rule", "require_two_factor": "on"}
    )
    assert response.status_code == 400
    staff.clinic.refresh_from_db()
    assert not staff.clinic.require_two_factor


def test_password_reset_by_email(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/clinic/password-reset/", {"email": staff.user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://[^/]+(/clinic/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and b"Choose a new password" in form.content
    new = "a brand new passphrase 2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    staff.user.refresh_from_db()
    assert staff.user.check_password(new)


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    response = client.post("/clinic/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/clinic/password-reset/sent/"
    assert mail.outbox == []


def test_authenticate_without_a_request_still_checks_the_password(staff):
    from django.contrib.auth import authenticate

    assert authenticate(username=staff.user.email, password=factories.PASSWORD) == staff.user
    assert authenticate(username=staff.user.email, password="wrong") is None
