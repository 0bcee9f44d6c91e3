"""Web Push (RFC 8030 + VAPID) through pywebpush."""

import json

import pywebpush
from django.conf import settings

from notifications.channels.base import Channel, DeliveryError, Message, Recipient

GONE = {404, 410}


class WebPushChannel(Channel):
    name = "webpush"

    @classmethod
    def is_configured(cls) -> bool:
        return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_CLAIMS_SUBJECT)

    def send(self, message: Message, recipient: Recipient) -> str:
        payload = json.dumps(
            {"title": message.title, "body": message.body, "url": message.url, **message.data}
        )
        try:
            response = pywebpush.webpush(
                subscription_info={"endpoint": recipient.address, "keys": recipient.keys},
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_CLAIMS_SUBJECT},
                ttl=4 * 3600,
                timeout=10,
                # A repeat replaces a message the push service still holds (RFC 8030 5.4).
                headers={"Topic": message.key} if message.key else None,
            )
        except pywebpush.WebPushException as exc:
            status = exc.status_code
            raise DeliveryError(
                f"Web Push {status}: {exc.message}", permanent=status in GONE
            ) from exc
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"Web Push: {type(exc).__name__}: {exc}", permanent=False) from exc
        headers = getattr(response, "headers", None) or {}
        return headers.get("Location", "") or "webpush"
