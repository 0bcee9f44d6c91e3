"""Provider answers that mean "this token is dead" deactivate the device.

Only the provider library's boundary is replaced: firebase_admin.messaging.send,
the aioapns client's send_notification and pywebpush.webpush.
"""

import datetime as dt
import json
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from notifications.models import Delivery
from notifications.services.sending import deliveries_send
from tests.notifications.conftest import at_local, make_patient, plan_at
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

TZ = "Europe/London"
DAY = dt.date(2026, 3, 10)
DUE = at_local(TZ, DAY, 18, 0)
WEBPUSH_ENDPOINT = "https://updates.push.example/wpush/v2/abcdef0123456789"


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def fcm_settings(settings, tmp_path):
    account = {
        "type": "service_account",
        "project_id": "hep-test",
        "private_key_id": "key1",
        "private_key": pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "client_email": "reminders@hep-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    path = tmp_path / "fcm.json"
    path.write_text(json.dumps(account))
    settings.REMINDER_CHANNELS = ["fcm"]
    settings.FCM_CREDENTIALS_FILE = str(path)
    return settings


@pytest.fixture
def apns_settings(settings, tmp_path):
    path = tmp_path / "AuthKey.p8"
    path.write_text(pem(ec.generate_private_key(ec.SECP256R1())))
    settings.REMINDER_CHANNELS = ["apns"]
    settings.APNS_KEY_FILE = str(path)
    settings.APNS_KEY_ID = "ABC123DEFG"
    settings.APNS_TEAM_ID = "TEAM123456"
    settings.APNS_TOPIC = "example.hep.app"
    return settings


@pytest.fixture
def webpush_settings(settings, public_dns):
    settings.REMINDER_CHANNELS = ["webpush"]
    settings.WEBPUSH_ALLOWED_HOSTS = [".push.example"]
    settings.VAPID_PRIVATE_KEY = "test-vapid-key"
    settings.VAPID_CLAIMS_SUBJECT = "mailto:ops@hep.example"
    return settings


def push_patient(platform: str, token: str, **device):
    patient = make_patient(TZ, device=False, remind_by_email=False)
    return DeviceFactory(patient=patient, platform=platform, token=token, **device)


def send_due():
    plan = plan_at(DUE)
    with time_machine.travel(DUE, tick=False):
        return deliveries_send(delivery_ids=plan.pending_ids)


def outcome(device):
    device.refresh_from_db()
    row = Delivery.objects.get(patient=device.patient, local_date=DAY)
    return row, device


def test_fcm_success_records_the_provider_message_id(fcm_settings):
    from firebase_admin import messaging

    device = push_patient("fcm", "fcm-token-live-0123456789")
    with mock.patch.object(messaging, "send", return_value="projects/hep-test/messages/42") as send:
        send_due()
    row, device = outcome(device)
    assert (row.status, row.provider_message_id) == ("sent", "projects/hep-test/messages/42")
    sent = send.call_args.args[0]
    assert sent.fid == "fcm-token-live-0123456789"
    assert sent.data["local_date"] == str(DAY)


def test_fcm_unregistered_deactivates_the_device(fcm_settings):
    from firebase_admin import messaging

    device = push_patient("fcm", "fcm-token-stale-0123456789")
    error = messaging.UnregisteredError("Requested entity was not found.")
    with mock.patch.object(messaging, "send", side_effect=error):
        send_due()
    row, device = outcome(device)
    assert row.status == "failed" and "no longer valid" in row.last_error
    assert device.active is False and device.deactivated_reason


def test_fcm_unavailable_is_transient_and_keeps_the_device(fcm_settings):
    from firebase_admin import exceptions, messaging

    device = push_patient("fcm", "fcm-token-busy-0123456789")
    error = exceptions.UnavailableError("backend unavailable")
    with mock.patch.object(messaging, "send", side_effect=error):
        result = send_due()
    row, device = outcome(device)
    assert result.retry == [row.pk]
    assert (row.status, row.attempts) == ("pending", 1)
    assert device.active


def test_apns_410_unregistered_deactivates_the_device(apns_settings):
    from aioapns import APNs
    from aioapns.common import NotificationResult

    device = push_patient("apns", "ab" * 32)
    result = NotificationResult("n-1", "410", "Unregistered")
    with mock.patch.object(APNs, "send_notification", mock.AsyncMock(return_value=result)) as send:
        send_due()
    row, device = outcome(device)
    assert row.status == "failed" and "410" in row.last_error
    assert device.active is False
    assert send.await_args.args[0].device_token == "ab" * 32


def test_apns_success_and_429_retry(apns_settings):
    from aioapns import APNs
    from aioapns.common import NotificationResult

    device = push_patient("apns", "cd" * 32)
    answers = [
        NotificationResult("n-2", "429", "TooManyRequests"),
        NotificationResult("n-3", "200"),
    ]
    plan = plan_at(DUE)
    with (
        mock.patch.object(APNs, "send_notification", mock.AsyncMock(side_effect=answers)),
        time_machine.travel(DUE, tick=False),
    ):
        first = deliveries_send(delivery_ids=plan.pending_ids)
        second = deliveries_send(delivery_ids=first.retry)
    row, device = outcome(device)
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 2, "n-3")
    assert second.sent == [row.pk] and device.active


@pytest.mark.parametrize("status", [404, 410])
def test_webpush_gone_deactivates_the_device(webpush_settings, status):
    import pywebpush

    device = push_patient(
        "webpush", WEBPUSH_ENDPOINT, webpush_keys={"p256dh": "BNc-key", "auth": "auth-secret"}
    )
    response = SimpleNamespace(status_code=status, text="subscription expired", headers={})
    error = pywebpush.WebPushException("Push failed", response=response)
    with mock.patch.object(pywebpush, "webpush", side_effect=error) as webpush:
        send_due()
    row, device = outcome(device)
    assert row.status == "failed" and str(status) in row.last_error
    assert device.active is False
    subscription = webpush.call_args.kwargs["subscription_info"]
    assert subscription == {
        "endpoint": WEBPUSH_ENDPOINT,
        "keys": {"p256dh": "BNc-key", "auth": "auth-secret"},
    }


def test_webpush_server_error_is_transient(webpush_settings):
    import pywebpush

    device = push_patient("webpush", WEBPUSH_ENDPOINT, webpush_keys={"p256dh": "k", "auth": "a"})
    response = SimpleNamespace(status_code=503, text="busy", headers={})
    with mock.patch.object(
        pywebpush, "webpush", side_effect=pywebpush.WebPushException("busy", response=response)
    ):
        result = send_due()
    row, device = outcome(device)
    assert result.retry == [row.pk] and device.active


def test_channel_without_credentials_is_disabled(settings):
    from notifications.channels import active_channels

    settings.REMINDER_CHANNELS = ["email", "fcm", "apns", "webpush"]
    settings.FCM_CREDENTIALS_FILE = ""
    settings.APNS_KEY_FILE = ""
    settings.VAPID_PRIVATE_KEY = ""
    assert sorted(active_channels().by_name) == ["email"]
    assert active_channels().push_for("fcm") is None


def test_fcm_collapse_key_and_tag_come_from_the_delivery_so_a_repeat_replaces(fcm_settings):
    from firebase_admin import messaging

    device = push_patient("fcm", "fcm-token-repeat-0123456789")
    with mock.patch.object(messaging, "send", return_value="projects/hep-test/messages/7") as send:
        send_due()
    row, _ = outcome(device)
    android = send.call_args.args[0].android
    assert android.collapse_key == f"delivery-{row.pk}"
    assert android.notification.tag == f"delivery-{row.pk}"


def test_apns_collapse_id_and_apns_id_are_the_same_on_every_repeat(apns_settings):
    from aioapns import APNs
    from aioapns.common import NotificationResult

    device = push_patient("apns", "ef" * 32)
    answers = [NotificationResult("x", "503", "ServiceUnavailable"), NotificationResult("y", "200")]
    plan = plan_at(DUE)
    with (
        mock.patch.object(APNs, "send_notification", mock.AsyncMock(side_effect=answers)) as send,
        time_machine.travel(DUE, tick=False),
    ):
        retry = deliveries_send(delivery_ids=plan.pending_ids).retry
        deliveries_send(delivery_ids=retry)
    row, _ = outcome(device)
    first, second = (call.args[0] for call in send.await_args_list)
    assert first.collapse_key == second.collapse_key == f"delivery-{row.pk}"
    assert first.notification_id == second.notification_id
    assert len(first.notification_id) == 36  # a UUID, as APNs requires


def test_webpush_topic_header_is_the_delivery(webpush_settings):
    import pywebpush

    device = push_patient("webpush", WEBPUSH_ENDPOINT, webpush_keys={"p256dh": "k", "auth": "a"})
    response = SimpleNamespace(status_code=201, headers={"Location": "https://push/1"})
    with mock.patch.object(pywebpush, "webpush", return_value=response) as webpush:
        send_due()
    row, _ = outcome(device)
    topic = webpush.call_args.kwargs["headers"]["Topic"]
    assert topic == f"delivery-{row.pk}"
    # RFC 8030: at most 32 characters of the URL-safe base64 alphabet.
    assert len(topic) <= 32 and topic.replace("-", "").isalnum()
