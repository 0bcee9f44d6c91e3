"""Registering, changing and removing a clinic's webhook endpoints."""

import base64
import secrets
from collections.abc import Sequence

from django.db import transaction

from notifications.webhooks.models import WebhookEndpoint
from notifications.webhooks.urls_check import webhook_url_check
from patients.models import Clinic

SECRET_BYTES = 24


def webhook_secret_new() -> str:
    """A Standard Webhooks signing key: `whsec_` + base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def webhook_endpoint_create(
    *, clinic: Clinic, url: str, events: Sequence[str], description: str = "", created_by=None
) -> WebhookEndpoint:
    """Checks the URL (https, public host) and stores the endpoint with a new secret."""
    webhook_url_check(url)
    return WebhookEndpoint.objects.create(
        clinic=clinic,
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=webhook_secret_new(),
        created_by=created_by,
    )


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, data: dict) -> WebhookEndpoint:
    """Change url / events / description / active; switching an endpoint back on
    clears its failure run."""
    if "url" in data:
        webhook_url_check(data["url"])
    fields = []
    for name in ("url", "description", "active"):
        if name in data:
            setattr(endpoint, name, data[name])
            fields.append(name)
    if "events" in data:
        endpoint.events = sorted(set(data["events"]))
        fields.append("events")
    if data.get("active"):
        endpoint.consecutive_failures = 0
        endpoint.disabled_reason = ""
        fields += ["consecutive_failures", "disabled_reason"]
    if fields:
        endpoint.save(update_fields=[*fields, "updated_at"])
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    with transaction.atomic():
        endpoint.secret = webhook_secret_new()
        endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint
