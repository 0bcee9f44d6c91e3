"""axe-core on the console pages the flow tests do not already check."""

import pytest

from tests import factories
from tests.console.test_browser_console import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_library_protocol_account_and_sign_in_pages_have_no_serious_violation(live_server, page):
    owner = factories.ClinicianFactory(role="owner")
    exercise = factories.ExerciseFactory(clinic=owner.clinic, slug="our-bridge", name="Our bridge")
    global_exercise = factories.ExerciseFactory(slug="bird-dog", name="Bird dog")
    protocol = factories.ProgramTemplateFactory(name="Starter")
    factories.TemplateItemFactory(template=protocol, exercise=global_exercise)
    page.set_default_timeout(30_000)
    for path, name in (
        ("/clinic/password-reset/", "console-password-reset"),
        ("/clinic/reset/xx/bad-token/", "console-reset-expired"),
    ):
        page.goto(live_server.url + path)
        assert_accessible(page, name)
    sign_in(page, live_server, owner.user)
    for path, name in (
        ("/clinic/library/", "console-library"),
        ("/clinic/library/?category=core_anti_extension", "console-library-filtered"),
        (f"/clinic/library/{exercise.slug}/", "console-exercise-own"),
        (f"/clinic/library/{global_exercise.slug}/", "console-exercise-global"),
        ("/clinic/library/new/", "console-exercise-new"),
        ("/clinic/protocols/", "console-protocols"),
        (f"/clinic/protocols/{protocol.pk}/", "console-protocol"),
        ("/clinic/protocols/new/", "console-protocol-new"),
        ("/clinic/account/", "console-account"),
        ("/clinic/account/two-factor/", "console-two-factor-setup"),
        ("/clinic/logout/", "console-logout"),
    ):
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page, name)
    page.goto(f"{live_server.url}/clinic/library/{exercise.slug}/")
    page.get_by_role("button", name="Save exercise").click()
    assert page.get_by_role("heading", name="Our bridge").is_visible()
