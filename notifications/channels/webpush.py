"""Web Push (RFC 8030 + VAPID) through pywebpush.

The endpoint is a URL a patient gave us, so before each send it is checked again
(a known push service, https, public addresses only; a name can be re-pointed after
registration) and the POST never follows a redirect.
"""

import json

import pywebpush
import requests
from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.channels.base import Channel, DeliveryError, Message, Recipient
from notifications.outbound import check_outbound_url

GONE = {404, 410}


class NoRedirectSession(requests.Session):
    """A push service answers; it never sends us on to somewhere else."""

    def post(self, url, data=None, json=None, **kwargs):
        kwargs["allow_redirects"] = False
        return super().post(url, data=data, json=json, **kwargs)


def check_endpoint(endpoint: str) -> None:
    """Raises ValidationError unless `endpoint` is on an allowed push service."""
    check_outbound_url(endpoint, allowed_hosts=settings.WEBPUSH_ALLOWED_HOSTS)


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
            check_endpoint(recipient.address)
        except ValidationError as exc:
            # A name that does not resolve may be a passing DNS failure; the rest never heal.
            raise DeliveryError(
                f"Web Push endpoint refused: {exc.messages[0]}",
                permanent=exc.code != "unresolvable",
            ) from exc
        try:
            response = pywebpush.webpush(
                subscription_info={"endpoint": recipient.address, "keys": recipient.keys},
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_CLAIMS_SUBJECT},
                ttl=4 * 3600,
                timeout=10,
                requests_session=NoRedirectSession(),
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
