"""Check-ins in the companion app: reached from today, answered once, kept offline."""

import datetime as dt

import pytest

from patients.timezones import local_today
from programs.outcomes.models import CheckIn
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def due_today(routine, measure="nprs"):
    patient = routine["patient"]
    today = local_today(patient.timezone)
    return CheckIn.objects.create(
        patient=patient,
        program=routine["program"],
        measure=measure,
        due_date=today,
        due_at=dt.datetime.combine(today, dt.time(8), tzinfo=dt.UTC),
    )


def open_from_today(page, live_server, routine, title):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    page.get_by_role("link", name=f"A short check-in is waiting: {title}").click()
    wait_ready(page, "checkin")
    assert page.get_by_role("heading", level=1, name=title).is_visible()


def test_pain_checkin_from_today_is_answered_once(live_server, page, routine):
    checkin = due_today(routine)
    open_from_today(page, live_server, routine, "Your pain this week")
    page.get_by_label("Pain right now (0-10)").fill("4")
    page.get_by_label("Pain at its least in the last 7 days (0-10)").fill("2")
    page.get_by_label("Pain at its worst in the last 7 days (0-10)").fill("6")
    screenshot(page, "app-checkin-nprs")
    assert axe_serious_violations(page) == []
    page.get_by_role("button", name="Send answers").click()
    page.get_by_role("status").filter(has_text="Thank you: your answers are saved.").wait_for()
    checkin.refresh_from_db()
    assert checkin.answers == {"current": 4, "best": 2, "worst": 6} and checkin.score == 4.0
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    assert (
        page.get_by_role("link", name="A short check-in is waiting: Your pain this week").count()
        == 0
    )


def test_contradicting_answers_are_shown_beside_the_field(live_server, page, routine):
    checkin = due_today(routine)
    open_from_today(page, live_server, routine, "Your pain this week")
    page.get_by_label("Pain right now (0-10)").fill("4")
    page.get_by_label("Pain at its least in the last 7 days (0-10)").fill("7")
    page.get_by_label("Pain at its worst in the last 7 days (0-10)").fill("6")
    page.get_by_role("button", name="Send answers").click()
    summary = page.get_by_role("alert")
    summary.get_by_role(
        "link", name="Pain at its least cannot be above pain at its worst."
    ).wait_for()
    assert (
        page.get_by_label("Pain at its least in the last 7 days (0-10)").get_attribute(
            "aria-invalid"
        )
        == "true"
    )
    assert axe_serious_violations(page) == []
    checkin.refresh_from_db()
    assert checkin.answered_at is None


def test_activities_are_named_and_rated(live_server, page, routine):
    checkin = due_today(routine, "psfs")
    open_from_today(page, live_server, routine, "Activities you find hard")
    for n, (name, score) in enumerate(
        [("Running", "3"), ("Sitting", "5"), ("Lifting", "4")], start=1
    ):
        page.get_by_label(f"Activity {n}: what is it?").fill(name)
        page.get_by_label(f"Activity {n}: how well can you do it today? (0-10)").fill(score)
    assert axe_serious_violations(page) == []
    page.get_by_role("button", name="Send answers").click()
    page.get_by_role("status").filter(has_text="Thank you").wait_for()
    checkin.refresh_from_db()
    assert [a["name"] for a in checkin.answers["activities"]] == ["Running", "Sitting", "Lifting"]


def test_answers_given_offline_are_sent_when_back_online(
    live_server, page, browser_context, routine
):
    checkin = due_today(routine, "groc")
    open_from_today(page, live_server, routine, "Your back since the program started")
    page.get_by_label("Moderately better").check()
    browser_context.set_offline(True)
    page.get_by_role("button", name="Send answers").click()
    page.get_by_role("status").filter(has_text="your answers are kept on this device").wait_for()
    checkin.refresh_from_db()
    assert checkin.answered_at is None
    browser_context.set_offline(False)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    checkin.refresh_from_db()
    assert checkin.answers == {"rating": 4}


def test_checkin_without_an_id_and_none_open_says_nothing_is_waiting(live_server, page, routine):
    answered = due_today(routine)
    CheckIn.objects.filter(pk=answered.pk).update(
        answered_at=answered.due_at, score=3, answers={"current": 3, "least": 2, "worst": 4}
    )
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/checkin")
    wait_ready(page, "checkin")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "No check-in is waiting for you: you are up to date."
    page.goto(f"{live_server.url}/app/checkin?id={answered.pk}")
    wait_ready(page, "checkin")
    assert heading.inner_text() == "This check-in is no longer open."
