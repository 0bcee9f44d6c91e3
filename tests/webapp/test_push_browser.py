"""Push reminders in Chromium: subscribing registers a webpush device; a push delivered
to the service worker shows the reminder, and tapping it opens today's routine.

The push service itself (Google's, Mozilla's) is outside this machine: the browser's
PushManager.subscribe is replaced at that boundary by one answering a fixed subscription.
"""

import json

import pytest

from notifications.models import Device
from tests.browser import axe_serious_violations, screenshot
from tests.webapp.conftest import sign_in, wait_for_worker, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_KEY = (
    "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"
)
# A Chrome subscription lives on FCM, one of the accepted push services.
ENDPOINT = "https://fcm.googleapis.com/fcm/send/subscription-0123456789"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"

PUSH_SERVICE_STUB = f"""
(() => {{
  let current = null;
  const subscription = {{
    endpoint: {json.dumps(ENDPOINT)},
    toJSON() {{ return {{ endpoint: this.endpoint, keys: {{ p256dh: {json.dumps(P256DH)}, auth: {json.dumps(AUTH)} }} }}; }},
    unsubscribe: async () => {{ current = null; return true; }},
  }};
  PushManager.prototype.subscribe = async function (options) {{
    window.subscribedWithKeyBytes = new Uint8Array(options.applicationServerKey).length;
    current = subscription;
    return subscription;
  }};
  PushManager.prototype.getSubscription = async function () {{ return current; }};
}})();
"""

RECORD_SHOW_NOTIFICATION = """() => {
  self.shownLog = [];
  const show = ServiceWorkerRegistration.prototype.showNotification;
  ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
    const entry = { title, body: options.body, url: options.data.url, outcome: "pending" };
    self.shownLog.push(entry);
    return show.call(this, title, options).then(
      (value) => { entry.outcome = "shown"; return value; },
      (error) => { entry.outcome = String(error); throw error; },
    );
  };
}"""


@pytest.fixture
def webpush_server(settings, monkeypatch):
    # This machine has no DNS: the push service's name resolves to a public address
    # here, every other name as usual.
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "fcm.googleapis.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("142.250.0.10", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    settings.VAPID_PUBLIC_KEY = PUBLIC_KEY
    settings.VAPID_PRIVATE_KEY = "a-private-key"
    settings.VAPID_CLAIMS_SUBJECT = "mailto:ops@hep.example"
    settings.REMINDER_CHANNELS = ["email", "webpush"]
    return settings


def test_turning_on_push_registers_this_browser_as_a_webpush_device(
    live_server, browser, routine, webpush_server
):
    patient = routine["patient"]
    patient.remind_by_push = False
    patient.save()
    context = browser.new_context(viewport={"width": 360, "height": 780})
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(PUSH_SERVICE_STUB)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server.url, patient.user)
        page.goto(f"{live_server.url}/app/settings")
        wait_ready(page, "settings")
        page.get_by_role("button", name="Turn on push reminders").click()
        page.get_by_text("Push reminders are on for this device.").wait_for()
        page.get_by_text("Your settings are saved.").wait_for()
        assert page.evaluate("window.subscribedWithKeyBytes") == 65
        screenshot(page, "app-settings-push-360")
        assert axe_serious_violations(page) == []
        device = Device.objects.get(patient=patient)
        assert (device.platform, device.token, device.active) == ("webpush", ENDPOINT, True)
        patient.refresh_from_db()
        assert patient.remind_by_push is True

        page.get_by_role("button", name="Turn off push reminders").click()
        page.get_by_role("button", name="Turn on push reminders").wait_for()
        assert not Device.objects.filter(patient=patient, active=True).exists()
    finally:
        context.close()


def test_without_a_vapid_key_push_cannot_be_turned_on(live_server, page, routine):
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/settings")
    wait_ready(page, "settings")
    assert page.get_by_text("Push reminders are not available").is_visible()
    assert page.get_by_role("button", name="Turn on push reminders").is_disabled()


def test_a_push_shows_the_reminder_and_its_tap_opens_today(
    live_server, page, browser_context, routine
):
    browser_context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, live_server.url, routine["patient"].user)
    page.goto(f"{live_server.url}/app/progress")
    wait_ready(page, "progress")
    wait_for_worker(page)
    wait_ready(page, "progress")

    cdp = browser_context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    ours = [r for r in registrations if r["scopeURL"] == f"{live_server.url}/app/"]
    assert ours, registrations
    payload = {
        "title": "Time for today's exercises",
        "body": "Your routine is ready.",
        "url": "https://hep.example/app/today?date=2026-12-01",
        "kind": "reminder",
    }
    # What the worker asks the browser to show, and whether the browser showed it: a
    # failure then says which side of showNotification went wrong.
    worker = browser_context.service_workers[0]
    worker.evaluate(RECORD_SHOW_NOTIFICATION)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": ours[0]["registrationId"],
            "data": json.dumps(payload),
        },
    )
    for _ in range(200):
        if worker.evaluate("() => self.shownLog.some((entry) => entry.outcome !== 'pending')"):
            break
        page.wait_for_timeout(100)
    expected = {
        "title": "Time for today's exercises",
        "body": "Your routine is ready.",
        "url": "https://hep.example/app/today?date=2026-12-01",
    }
    assert worker.evaluate("() => self.shownLog") == [{**expected, "outcome": "shown"}]
    shown = page.evaluate(
        """navigator.serviceWorker.ready.then((r) => r.getNotifications())
           .then((list) => list.map((n) => ({title: n.title, body: n.body, url: n.data.url})))"""
    )
    assert shown == [expected]

    # A tap: Chromium raises notificationclick in the worker for the shown notification.
    worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
        }"""
    )
    page.wait_for_url(f"{live_server.url}/app/today?date=2026-12-01")
    wait_ready(page)
    assert page.get_by_role("article", name="Dead bug").is_visible()
