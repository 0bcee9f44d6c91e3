"""The browser harness itself: Chromium starts, renders a page, axe runs."""

import pytest

from tests.browser import axe_serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_renders_the_admin_sign_in_page(live_server, page):
    page.goto(f"{live_server.url}/admin/login/")
    assert page.get_by_label("Email").is_visible()
    assert isinstance(axe_serious_violations(page), list)
