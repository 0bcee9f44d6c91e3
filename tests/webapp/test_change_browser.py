"""The companion app in Chromium: a line the clinic stepped up says what changed and why."""

import datetime as dt

import pytest
from django.utils import timezone

from patients.timezones import local_today
from programs.services.suggestions import suggestion_accept, suggestions_daily_pass
from programs.suggestion_models import Suggestion
from tests import factories
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_for_worker, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHANGE = (
    "A step up: Marching bridge, 2 sets, 8 reps (was Glute bridge, 3 sets, 10 reps)."
    " Why: 4 of 4 sessions complete, pain 1, difficulty 4."
)


@pytest.fixture
def stepped_up(routine):
    """The routine's patient, whose comfortable Glute bridge line the clinic stepped up."""
    patient = routine["patient"]
    bridge = factories.ExerciseFactory(name="Glute bridge", slug="bridge-of-the-chain")
    bridge.progression = factories.ExerciseFactory(
        name="Marching bridge", slug="marching-bridge", default_sets=2, default_reps=8
    )
    bridge.save()
    program = factories.ProgramFactory(
        patient=patient,
        name="Bridges",
        start_date=local_today(patient.timezone) - dt.timedelta(days=30),
    )
    item = factories.ProgramItemFactory(program=program, exercise=bridge, sets=3, reps=10)
    yesterday = local_today(patient.timezone) - dt.timedelta(days=1)
    for offset in range(4):
        factories.ExerciseLogFactory(
            item=item, date=yesterday - dt.timedelta(days=offset), pain=1, difficulty=4
        )
    suggestions_daily_pass(now=timezone.now())
    suggestion = Suggestion.objects.get(program=program)
    suggestion_accept(suggestion=suggestion, by=patient.primary_clinician.user)
    return patient


def test_the_stepped_up_line_says_what_changed_and_why_online_and_offline(
    live_server, page, browser_context, stepped_up
):
    sign_in(page, live_server.url, stepped_up.user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    card = page.get_by_role("article", name="Marching bridge")
    assert card.get_by_text(CHANGE).is_visible()
    # The card's accessible description is the change, for screen reader users.
    description = card.evaluate(
        "(node) => document.getElementById(node.getAttribute('aria-describedby')).textContent"
    )
    assert description == CHANGE
    # Lines the clinic did not change say nothing of the kind.
    assert page.get_by_role("article", name="Dead bug").get_by_text("A step up").count() == 0
    screenshot(page, "app-today-change-desktop")
    assert axe_serious_violations(page) == []

    wait_for_worker(page)
    wait_ready(page)
    browser_context.set_offline(True)
    page.reload()
    wait_ready(page)
    assert page.get_by_text("Offline: showing what was saved on this device.").is_visible()
    assert page.get_by_role("article", name="Marching bridge").get_by_text(CHANGE).is_visible()
