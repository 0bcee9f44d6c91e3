"""The companion app in Chromium: today's routine, Done, details, another day."""

import pytest

from programs.models import ExerciseLog
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_today_shows_each_exercise_with_the_clinicians_note(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/")
    wait_ready(page)
    cards = page.get_by_role("article")
    assert cards.count() == 2
    dead_bug = page.get_by_role("article", name="Dead bug")
    assert dead_bug.get_by_role("heading", name="Dead bug").is_visible()
    assert dead_bug.get_by_text("Keep your lower back flat on the floor.").is_visible()
    assert dead_bug.get_by_text("3 sets \u00d7 8 reps").is_visible()
    assert (
        page.get_by_role("article", name="Glute bridge")
        .get_by_text("2 sets \u00d7 12 reps, hold 3 s")
        .is_visible()
    )
    assert page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Progress").is_visible()
    screenshot(page, "app-today-desktop")
    assert axe_serious_violations(page) == []


def test_done_is_saved_and_still_done_after_a_reload(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    with page.expect_response("**/api/v1/me/logs"):
        page.get_by_role("button", name="Done: Dead bug").click()
    page.get_by_role("status").filter(has_text="All synced").wait_for()
    assert ExerciseLog.objects.filter(item=routine["items"][0], completed=True).count() == 1

    page.reload()
    wait_ready(page)
    card = page.get_by_role("article", name="Dead bug")
    assert card.get_by_text("Done", exact=True).is_visible()
    assert card.get_by_role("button", name="Done: Dead bug").count() == 0
    assert page.get_by_role("button", name="Done: Glute bridge").is_visible()


def test_details_log_pain_difficulty_and_a_note(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    card = page.get_by_role("article", name="Glute bridge")
    card.get_by_role("button", name="Details: Glute bridge").click()
    card.get_by_label("Pain (0-10)").fill("3")
    card.get_by_label("Difficulty (0-10)").fill("6")
    card.get_by_label("Note").fill("Felt a pull on the left")
    card.get_by_label("Sets done").fill("2")
    screenshot(page, "app-today-details-desktop")
    assert axe_serious_violations(page) == []
    with page.expect_response("**/api/v1/me/logs"):
        card.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="All synced").wait_for()
    log = ExerciseLog.objects.get(item=routine["items"][1])
    assert (log.pain, log.difficulty, log.note, log.sets_done) == (
        3,
        6,
        "Felt a pull on the left",
        2,
    )
    assert card.get_by_text("Done", exact=True).is_visible()
    page.get_by_role("heading", name="Glute bridge")  # still there


def test_a_finished_day_says_so_and_other_days_are_a_tap_away(live_server, browser, routine):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server.url, routine["patient"].user)
        page.goto(f"{live_server.url}/app/today")
        wait_ready(page)
        page.get_by_role("button", name="Done: Dead bug").click()
        page.get_by_role("button", name="Done: Glute bridge").click()
        page.get_by_text("All done for this day. Well done!").wait_for()
        page.wait_for_function(
            "() => document.querySelector('#sync-status').textContent === 'All synced'"
            " && document.querySelectorAll('article.is-done').length === 2"
        )
        screenshot(page, "app-today-360")
        # Nothing scrolls sideways at 360 px (and so at 200% zoom of a 720 px window).
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        assert axe_serious_violations(page) == []
        heading = page.get_by_role("heading", level=1).inner_text()
        page.get_by_role("link", name="Previous day").click()
        wait_ready(page)
        assert "date=" in page.url
        assert page.get_by_role("heading", level=1).inner_text() != heading
        assert page.get_by_role("button", name="Done: Dead bug").is_visible()
    finally:
        context.close()


def test_one_set_reads_as_one_set(live_server, page, routine):
    dead_bug, bridge = routine["items"]
    type(dead_bug).objects.filter(pk=dead_bug.pk).update(sets=1, reps=None, duration_seconds=60)
    type(bridge).objects.filter(pk=bridge.pk).update(sets=1)
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/")
    wait_ready(page)
    assert page.get_by_role("article", name="Dead bug").get_by_text("1 set, 60 s").is_visible()
    bridge_card = page.get_by_role("article", name="Glute bridge")
    assert bridge_card.get_by_text("1 set \u00d7 12 reps, hold 3 s").is_visible()
