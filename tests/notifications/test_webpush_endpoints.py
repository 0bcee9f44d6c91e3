"""Web Push endpoints are URLs a patient chose: only known push services, never our
own network, at registration and again before every send, and no redirects."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from unittest import mock

import pytest
import pywebpush

from notifications.channels.webpush import NoRedirectSession
from notifications.models import Delivery, Device
from tests.notifications.test_providers import DAY, push_patient, send_due

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/devices"
KEYS = {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u", "auth": "tBHI"}


def resolving(monkeypatch, mapping):
    def getaddrinfo(host, port, *args, **kwargs):
        address = mapping.get(host, "93.184.216.34")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1:18499/wpush/x",  # loopback literal
        "https://[::1]/wpush/x",
        "https://10.0.0.5/wpush/x",  # private range literal
        "https://192.168.1.20/wpush/x",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://localhost/wpush/x",
        "https://intranet.fcm.googleapis.com.attacker.example/x",  # not a push service
        "https://user:secret@fcm.googleapis.com/fcm/send/x",  # credentials
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://loopback.push.services.mozilla.com/wpush/x",  # resolves to 127.0.0.1
        "https://private.push.services.mozilla.com/wpush/x",  # resolves to 10.1.2.3
    ],
)
def test_registering_an_endpoint_outside_the_push_services_is_refused(
    patient_client, monkeypatch, endpoint
):
    resolving(
        monkeypatch,
        {
            "loopback.push.services.mozilla.com": "127.0.0.1",
            "private.push.services.mozilla.com": "10.1.2.3",
        },
    )
    response = patient_client.post(
        URL, {"platform": "webpush", "token": endpoint, "keys": KEYS}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["token"]
    assert not Device.objects.exists()


def test_a_known_push_service_is_accepted(patient_client, public_dns):
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx",
    ):
        response = patient_client.post(
            URL, {"platform": "webpush", "token": endpoint, "keys": KEYS}, format="json"
        )
        assert response.status_code == 201, response.json()


@pytest.fixture
def webpush_on(settings):
    settings.REMINDER_CHANNELS = ["webpush"]
    settings.VAPID_PRIVATE_KEY = "test-vapid-key"
    settings.VAPID_CLAIMS_SUBJECT = "mailto:ops@hep.example"
    settings.WEBPUSH_ALLOWED_HOSTS = [".push.example"]


def test_a_stored_endpoint_that_now_resolves_privately_is_never_called(webpush_on, monkeypatch):
    """Registered while public, re-pointed at the internal network since."""
    device = push_patient("webpush", "https://updates.push.example/wpush/v2/abc", webpush_keys=KEYS)
    resolving(monkeypatch, {"updates.push.example": "10.20.30.40"})
    with mock.patch.object(pywebpush, "webpush") as webpush:
        send_due()
    webpush.assert_not_called()
    device.refresh_from_db()
    row = Delivery.objects.get(patient=device.patient, local_date=DAY)
    assert row.status == "failed"
    assert not device.active


def test_a_stored_ip_literal_endpoint_is_never_called(webpush_on, public_dns):
    device = push_patient("webpush", "https://127.0.0.1:18499/wpush/x", webpush_keys=KEYS)
    with mock.patch.object(pywebpush, "webpush") as webpush:
        send_due()
    webpush.assert_not_called()
    device.refresh_from_db()
    assert not device.active


def test_sending_uses_a_session_that_does_not_follow_redirects(webpush_on, public_dns):
    device = push_patient("webpush", "https://updates.push.example/wpush/v2/x", webpush_keys=KEYS)
    with mock.patch.object(pywebpush, "webpush") as webpush:
        send_due()
    assert isinstance(webpush.call_args.kwargs["requests_session"], NoRedirectSession)
    assert device.pk


def test_the_no_redirect_session_stops_at_a_redirect():
    """Against a real server on loopback: a 307 is answered, never followed."""
    hits = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "/internal-admin")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = None
    for port in range(18390, 18400):  # this project's own ports
        try:
            server = HTTPServer(("127.0.0.1", port), Redirecting)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 18390-18399"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = NoRedirectSession().post(f"http://127.0.0.1:{port}/push", data=b"x", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 307
    assert hits == ["/push"]
