"""A suggested program change on the worklist in a real browser: readable, accessible,
accepted in place."""

import pytest

from programs.models import Program
from programs.services.suggestions import suggestions_daily_pass
from tests.console.conftest import seeded_patient
from tests.console.test_browser_console import assert_accessible, sign_in, staff  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggestion_shows_its_evidence_and_is_accepted_in_place(live_server, page, staff):  # noqa: F811
    patient, program, *_ = seeded_patient(staff.clinic, staff, days=6, pain=lambda n: 2)
    assert suggestions_daily_pass()["raised"] == 1
    sign_in(page, live_server, staff.user)
    card = page.locator(".suggestion-card", has_text=str(patient))
    text = card.inner_text()
    assert "Ready to progress" in text
    assert "Dead bug, 2 sets, 12 reps (was Dead bug, 2 sets, 10 reps)" in text
    assert "4 of 4 sessions complete, pain 2" in text
    assert_accessible(page, "console-worklist-suggestion")
    card.get_by_role("button", name="Accept").click()
    page.locator(".alert-card--resolved", has_text=str(patient)).wait_for()
    assert page.url == f"{live_server.url}/clinic/"
    assert Program.objects.get(pk=program.pk).version == 2
