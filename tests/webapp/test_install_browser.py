"""The manifest is linked and valid, and Chromium finds the app installable."""

import json
import tempfile

import pytest

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.webapp.conftest import sign_in, wait_for_worker, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manifest_is_linked_and_parsed_by_chromium(live_server, page, browser_context):
    page.goto(f"{live_server.url}/app/login")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/app/manifest.webmanifest"
    cdp = browser_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/app/manifest.webmanifest"
    assert manifest["errors"] == []
    assert manifest["parsed"]["scope"] == f"{live_server.url}/app/"
    data = json.loads(manifest["data"])
    assert (data["start_url"], data["display"]) == ("/app/", "standalone")
    for icon in data["icons"]:
        assert page.request.get(f"{live_server.url}{icon['src']}").ok


def test_chromium_reports_no_installability_error(live_server, browser, routine, tmp_path):
    # An off-the-record context is never installable, so this one has a profile on disk.
    with tempfile.TemporaryDirectory(dir=tmp_path) as profile:
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            sign_in(page, live_server.url, routine["patient"].user)
            page.goto(f"{live_server.url}/app/")
            wait_ready(page)
            wait_for_worker(page)
            cdp = context.new_cdp_session(page)
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
            assert errors == []
        finally:
            context.close()
