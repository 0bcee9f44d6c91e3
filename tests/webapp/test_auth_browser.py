"""Joining with an invite, signing in on a new device, signing out, a forgotten password."""

import re

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from knox.models import get_token_model

from patients.services.invites import activation_code_issue
from programs.models import ExerciseLog
from tests import factories
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_invite_link_fills_the_code_and_start_lands_on_today(live_server, page, routine):
    patient = routine["patient"]
    patient.user.set_unusable_password()
    patient.user.save()
    code = activation_code_issue(patient=patient)
    page.goto(f"{live_server.url}/app/activate?code={code}")
    assert page.get_by_label("Invite code").input_value() == code
    screenshot(page, "app-activate-desktop")
    assert axe_serious_violations(page) == []
    page.get_by_label("Password").fill("a-new-long-password-42")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{live_server.url}/app/today")
    wait_ready(page)
    assert page.get_by_role("article", name="Dead bug").is_visible()
    patient.user.refresh_from_db()
    assert patient.user.check_password("a-new-long-password-42")


def test_a_weak_password_is_refused_beside_the_field(live_server, page, routine):
    user = routine["patient"].user
    user.set_unusable_password()  # invited, not yet activated
    user.save(update_fields=["password"])
    code = activation_code_issue(patient=routine["patient"])
    page.goto(f"{live_server.url}/app/activate")
    page.get_by_label("Invite code").fill(code)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Start").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert summary.get_by_role("link").count() >= 1
    assert page.locator("#activate-password-error").is_visible()
    screenshot(page, "app-activate-error-desktop")
    assert axe_serious_violations(page) == []


def test_sign_in_on_a_new_device_and_sign_out_of_that_device_only(live_server, page, routine):
    user = routine["patient"].user
    other_device, _ = get_token_model().objects.create(user=user)
    page.goto(f"{live_server.url}/app/")
    page.wait_for_url(f"{live_server.url}/app/login")
    screenshot(page, "app-login-desktop")
    assert axe_serious_violations(page) == []
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/app/today")
    wait_ready(page)
    assert get_token_model().objects.filter(user=user).count() == 2

    page.get_by_role("link", name="Settings").click()
    wait_ready(page, "settings")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/app/login")
    remaining = get_token_model().objects.filter(user=user)
    assert remaining.count() == 1
    assert remaining.get().pk == other_device.pk
    stored = page.evaluate(
        "import('/static/webapp/js/db.js').then(async (db) => "
        "[await db.kv.get('token'), (await db.queueStore.all()).length])"
    )
    assert stored == [None, 0]


def test_wrong_password_says_so_without_naming_which_part(live_server, page, routine):
    page.goto(f"{live_server.url}/app/login")
    page.get_by_label("Email").fill(routine["patient"].user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").get_by_text("Email or password is incorrect.").wait_for()
    assert page.url.endswith("/app/login")


def test_signing_out_with_unsent_logs_warns_first(live_server, page, browser_context, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    page.route("**/api/v1/me/logs", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Done: Dead bug").click()
    page.get_by_role("status").filter(has_text="1 waiting to sync").wait_for()
    page.get_by_role("link", name="Settings").click()
    wait_ready(page, "settings")
    page.get_by_role("button", name="Sign out", exact=True).click()
    warning = page.get_by_text("1 log has not reached the server and will be lost")
    warning.wait_for()
    assert page.url.endswith("/app/settings")
    page.get_by_role("button", name="Sign out and lose them").click()
    page.wait_for_url(f"{live_server.url}/app/login")
    assert ExerciseLog.objects.count() == 0


def password_reset_api_exists() -> bool:
    try:
        reverse("auth-password-reset")
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(
    not password_reset_api_exists(),
    reason="POST /api/v1/auth/password-reset (url name auth-password-reset) is not in the API yet",
)
def test_forgot_password_sends_a_link_that_sets_a_new_one(live_server, page, routine):
    user = routine["patient"].user
    page.goto(f"{live_server.url}/app/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(f"{live_server.url}/app/forgot")
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send reset email").click()
    page.get_by_text("we have sent it a link").wait_for()
    assert axe_serious_violations(page) == []
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/app/reset\?uid=[^&\s]+&token=[^\s\"<]+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = link.group(0)[link.group(0).index("/app/reset") :]
    page.goto(f"{live_server.url}{path}")
    page.get_by_label("New password").fill("another-long-password-7")
    page.get_by_role("button", name="Save password").click()
    page.wait_for_url(f"{live_server.url}/app/today")
    user.refresh_from_db()
    assert user.check_password("another-long-password-7")
