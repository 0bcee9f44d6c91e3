"""Progress (the numbers of /me/adherence and /me/days) and settings in Chromium."""

import datetime as dt

import pytest

from patients.timezones import local_today
from tests import factories
from tests.browser import axe_serious_violations, screenshot
from tests.conftest import auth_client
from tests.webapp.conftest import sign_in, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_days(routine, days_ago: list[int], pain: int) -> None:
    patient = routine["patient"]
    today = local_today(patient.timezone)
    for offset in days_ago:
        day = today - dt.timedelta(days=offset)
        for item in routine["items"]:
            factories.ExerciseLogFactory(
                item=item, patient=patient, date=day, completed=True, pain=pain + offset % 3
            )


def test_progress_shows_the_apis_streak_rates_calendar_and_pain(live_server, browser, routine):
    log_days(routine, [1, 2, 3, 5, 8], pain=2)
    expected = auth_client(routine["patient"].user).get("/api/v1/me/adherence").json()
    assert expected["current_streak"] == 3
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server.url, routine["patient"].user)
        page.goto(f"{live_server.url}/app/progress")
        wait_ready(page, "progress")
        stats = page.locator("dl.stats")
        assert stats.locator("dt:has-text('Current streak') + dd").inner_text() == "3 days"
        assert stats.locator("dt:has-text('Last 7 days') + dd").inner_text() == (
            f"{round(expected['last_7_days'])}%"
        )
        assert stats.locator("dt:has-text('Last 30 days') + dd").inner_text() == (
            f"{round(expected['last_30_days'])}%"
        )
        calendar = page.get_by_role("list", name="The last 30 days")
        assert calendar.locator("li.day").count() == 30
        assert calendar.locator("li.complete").count() == 5
        pain = page.get_by_role("list", name="Pain over the last 30 days").locator("li")
        assert pain.count() == len(expected["pain"]) == 5
        screenshot(page, "app-progress-360")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert axe_serious_violations(page) == []
    finally:
        context.close()


def test_settings_save_reminder_time_quiet_hours_and_the_devices_time_zone(
    live_server, browser, routine
):
    patient = routine["patient"]
    context = browser.new_context(timezone_id="America/Chicago")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server.url, patient.user)
        page.goto(f"{live_server.url}/app/settings")
        wait_ready(page, "settings")
        assert page.get_by_label("Time zone").input_value() == "Europe/London"
        assert page.get_by_text("This device is set to America/Chicago.").is_visible()
        page.get_by_role("button", name="Use this device's time zone").click()
        page.get_by_label("Reminder time").fill("07:45")
        page.get_by_label("Quiet hours start").fill("22:00")
        page.get_by_label("Quiet hours end").fill("06:30")
        page.get_by_role("button", name="Save settings").click()
        page.get_by_text("Your settings are saved.").wait_for()
        screenshot(page, "app-settings-desktop")
        assert axe_serious_violations(page) == []
    finally:
        context.close()
    patient.refresh_from_db()
    assert patient.timezone == "America/Chicago"
    assert patient.reminder_time == dt.time(7, 45)
    assert (patient.quiet_start, patient.quiet_end) == (dt.time(22, 0), dt.time(6, 30))


def test_the_apis_field_errors_show_beside_their_fields(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/settings")
    wait_ready(page, "settings")
    page.get_by_label("Quiet hours start").fill("22:00")
    page.get_by_label("Quiet hours end").fill("")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_role("alert").filter(has_text="There is a problem").wait_for()
    error = page.locator("#set-quiet-end-error")
    assert error.is_visible()
    assert page.get_by_label("Quiet hours end").get_attribute("aria-invalid") == "true"
    screenshot(page, "app-settings-error-desktop")
    assert axe_serious_violations(page) == []


def test_a_reminder_time_inside_quiet_hours_is_refused_beside_the_reminder_time(
    live_server, page, routine
):
    client = auth_client(routine["patient"].user)
    probe = client.patch(
        "/api/v1/me",
        {"reminders": {"local_time": "23:00", "quiet_hours": {"start": "22:00", "end": "07:00"}}},
        format="json",
    )
    if probe.status_code == 200:
        pytest.skip("PATCH /api/v1/me does not refuse a reminder time inside quiet hours yet")
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/settings")
    wait_ready(page, "settings")
    page.get_by_label("Reminder time").fill("23:00")
    page.get_by_label("Quiet hours start").fill("22:00")
    page.get_by_label("Quiet hours end").fill("07:00")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_role("alert").filter(has_text="There is a problem").wait_for()
    assert page.locator(".field-error").count() >= 1
    assert page.locator("[aria-invalid=true]").count() >= 1


def test_an_email_unsubscribe_is_undone_in_settings(live_server, page, routine):
    from django.utils import timezone

    patient = routine["patient"]
    patient.email_unsubscribed_at = timezone.now()
    patient.save()
    sign_in(page, live_server.url, patient.user)
    page.goto(f"{live_server.url}/app/settings")
    wait_ready(page, "settings")
    assert page.get_by_text("You unsubscribed from reminder emails").is_visible()
    assert axe_serious_violations(page) == []
    page.get_by_role("button", name="Send me reminder emails again").click()
    page.get_by_text("Reminder emails will reach you again.").wait_for()
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is None
