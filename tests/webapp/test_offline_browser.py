"""Offline first: the service worker's shell, the cached routine, the log queue."""

import json

import pytest

from programs.models import ExerciseLog
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_for_worker, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_service_worker_is_registered_and_controls_the_app(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    wait_for_worker(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{live_server.url}/app/"
    script = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert script == f"{live_server.url}/app/sw.js"
    cached = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const cache = await caches.open(names.find((n) => n.startsWith('hep-app-')));
            return (await cache.keys()).map((r) => new URL(r.url).pathname);
        }"""
    )
    assert "/app/" in cached
    assert "/static/webapp/js/main.js" in cached and "/static/webapp/app.css" in cached


def test_offline_the_routine_still_shows_and_logs_sync_once_when_back_online(
    live_server, page, browser_context, routine
):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    wait_for_worker(page)
    wait_ready(page)

    browser_context.set_offline(True)
    page.reload()
    wait_ready(page)
    assert page.get_by_text("Offline: showing what was saved on this device.").is_visible()
    assert (
        page.get_by_role("article", name="Dead bug")
        .get_by_text("Keep your lower back flat on the floor.")
        .is_visible()
    )
    page.get_by_role("button", name="Done: Dead bug").click()
    page.get_by_role("button", name="Done: Glute bridge").click()
    page.get_by_role("status").filter(has_text="2 waiting to sync").wait_for()
    assert page.get_by_role("article", name="Dead bug").get_by_text("Done", exact=True).is_visible()
    screenshot(page, "app-today-offline-desktop")
    assert axe_serious_violations(page) == []
    assert ExerciseLog.objects.count() == 0

    page.reload()  # the next open, still offline: the queue is kept
    wait_ready(page)
    assert page.locator("#sync-status").inner_text() == "2 waiting to sync"

    browser_context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_role("status").filter(has_text="All synced").wait_for()
    for item in routine["items"]:
        assert ExerciseLog.objects.filter(item=item, completed=True).count() == 1
    assert ExerciseLog.objects.count() == 2


def test_a_batch_whose_answer_was_lost_is_sent_again_and_counted_once(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/today")
    wait_ready(page)
    bodies = []

    def lose_first_answer(route):
        bodies.append(json.loads(route.request.post_data))
        response = route.fetch()  # the server stores the batch...
        if len(bodies) == 1:
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/me/logs", lose_first_answer)
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Done: Dead bug").click()
    assert page.locator("#sync-status").inner_text() == "1 waiting to sync"
    assert ExerciseLog.objects.count() == 1  # stored, though the app does not know it yet

    page.evaluate("import('/static/webapp/js/sync.js').then((m) => m.sync())")
    page.get_by_role("status").filter(has_text="All synced").wait_for()
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    assert ExerciseLog.objects.filter(item=routine["items"][0]).count() == 1
    page.reload()
    wait_ready(page)
    assert page.get_by_role("article", name="Dead bug").get_by_text("Done", exact=True).is_visible()
