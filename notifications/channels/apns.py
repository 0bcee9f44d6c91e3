"""Apple Push Notification service with token (.p8 key) auth, through aioapns.

aioapns is asyncio-only; a Celery worker is synchronous, so each channel keeps
one event loop and one client (and its HTTP/2 connections) for its lifetime.
"""

import asyncio
import threading
import uuid
from pathlib import Path

from django.conf import settings

from notifications.channels.base import Channel, DeliveryError, Message, Recipient

# Answers after which the token will never work again.
PERMANENT_REASONS = {"BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"}


def apns_id(key: str, device_token: str) -> str:
    """The apns-id of a message to a device: the same for every repeat of one delivery."""
    if not key:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hep-reminder:{key}:{device_token}"))


class ApnsChannel(Channel):
    name = "apns"

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = None
        self._lock = threading.Lock()

    @classmethod
    def is_configured(cls) -> bool:
        return all(
            (
                settings.APNS_KEY_FILE,
                settings.APNS_KEY_ID,
                settings.APNS_TEAM_ID,
                settings.APNS_TOPIC,
            )
        )

    def _client_and_loop(self):
        from aioapns import APNs

        if self._client is None:
            self._loop = asyncio.new_event_loop()
            key = Path(settings.APNS_KEY_FILE).read_text()

            async def make_client():
                return APNs(
                    key=key,
                    key_id=settings.APNS_KEY_ID,
                    team_id=settings.APNS_TEAM_ID,
                    topic=settings.APNS_TOPIC,
                    use_sandbox=settings.APNS_USE_SANDBOX,
                )

            self._client = self._loop.run_until_complete(make_client())
        return self._client, self._loop

    def send(self, message: Message, recipient: Recipient) -> str:
        from aioapns import NotificationRequest, PushType

        request = NotificationRequest(
            device_token=recipient.address,
            message={
                "aps": {
                    "alert": {"title": message.title, "body": message.body},
                    "sound": "default",
                },
                **message.data,
            },
            notification_id=apns_id(message.key, recipient.address),
            push_type=PushType.ALERT,
            # apns-collapse-id: a repeat replaces the notification on the phone.
            collapse_key=message.key or "daily-reminder",
        )
        with self._lock:
            try:
                client, loop = self._client_and_loop()
                result = loop.run_until_complete(client.send_notification(request))
            except (OSError, TimeoutError, ConnectionError) as exc:
                raise DeliveryError(f"APNs: {type(exc).__name__}: {exc}", permanent=False) from exc
        if result.is_successful:
            return result.notification_id
        status = str(result.status)
        if status == "410" or result.description in PERMANENT_REASONS:
            raise DeliveryError(f"APNs {status}: {result.description}", permanent=True)
        # 429, 5xx and anything else: try again later.
        raise DeliveryError(f"APNs {status}: {result.description}", permanent=False)
