"""Sending one webhook message: claim it, check the URL, sign, POST, record.

No database transaction is open while the request is in the air: the claim is one
conditional UPDATE (autocommit), and the outcome is written after the answer.
"""

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from standardwebhooks import Webhook

from notifications.webhooks.models import (
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
)
from notifications.webhooks.urls_check import webhook_url_check
from patients.models import Clinician

log = logging.getLogger(__name__)

EXCERPT_CHARS = 500
USER_AGENT = "hep-webhooks/1"
RETRY_STATUSES = {408, 429}


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    body: bytes
    error: str
    latency_ms: int
    transient: bool  # worth trying again later


@dataclass(frozen=True)
class Outcome:
    outcome: str  # delivered | retry | failed | skipped
    retry_at: dt.datetime | None = None


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: the base after the first failure, doubling after each."""
    return dt.timedelta(seconds=settings.WEBHOOK_RETRY_BACKOFF_SECONDS * 2 ** (attempts - 1))


def _claim(message_id: int, now: dt.datetime) -> bool:
    stale = now - dt.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    due = Q(status=WebhookMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookMessage.Status.SENDING, claimed_at__lt=stale
    )
    return bool(
        WebhookMessage.objects.filter(due, pk=message_id).update(
            status=WebhookMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def signed_headers(*, endpoint: WebhookEndpoint, msg_id: str, body: str, at: dt.datetime) -> dict:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(
            msg_id=msg_id, timestamp=at.astimezone(dt.UTC), data=body
        ),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _post(url: str, body: str, headers: dict) -> Answer:
    """One POST: no redirects, a timeout, and at most WEBHOOK_RESPONSE_MAX_BYTES read."""
    cap = settings.WEBHOOK_RESPONSE_MAX_BYTES
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with (
            httpx.Client(
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False
            ) as client,
            client.stream("POST", url, content=body.encode(), headers=headers) as response,
        ):
            received = bytearray()
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > cap:
                    del received[cap:]
                    break
            return Answer(response.status_code, bytes(received), "", elapsed(), False)
    except httpx.TimeoutException:
        return Answer(None, b"", "timed out", elapsed(), True)
    except httpx.HTTPError as exc:
        return Answer(None, b"", f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS], elapsed(), True)


def _send(endpoint: WebhookEndpoint, message: WebhookMessage, now: dt.datetime) -> Answer:
    try:
        webhook_url_check(endpoint.url)
    except ValidationError as exc:
        # A name that stops resolving may come back; one re-pointed inside is refused.
        transient = getattr(exc, "code", "") == "unresolvable"
        return Answer(None, b"", f"refused: {' '.join(exc.messages)}", 0, transient)
    body = json.dumps(message.payload, separators=(",", ":"), sort_keys=True)
    headers = signed_headers(endpoint=endpoint, msg_id=message.msg_id, body=body, at=now)
    return _post(endpoint.url, body, headers)


def _classify(answer: Answer) -> str:
    code = answer.status_code
    if code is None:
        return "retry" if answer.transient else "failed"
    if 200 <= code < 300:
        return "delivered"
    if code in RETRY_STATUSES or code >= 500:
        return "retry"
    return "failed"  # other 4xx, and 3xx: redirects are not followed


def webhook_message_deliver(*, message_id: int, now: dt.datetime | None = None) -> Outcome:
    """Try one message once if it is due; returns what happened."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return Outcome("skipped")
    message = WebhookMessage.objects.select_related("endpoint").get(pk=message_id)
    endpoint = message.endpoint
    if not endpoint.active:
        WebhookMessage.objects.filter(pk=message.pk).update(
            status=WebhookMessage.Status.FAILED, last_error="The endpoint is disabled."
        )
        return Outcome("failed")

    answer = _send(endpoint, message, now)
    outcome = _classify(answer)
    retry_at = None
    if outcome == "retry":
        retry_at = timezone.now() + retry_delay(message.attempts)
        if retry_at > message.created_at + dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
            outcome, retry_at = "failed", None
    error = answer.error or (f"HTTP {answer.status_code}" if outcome != "delivered" else "")
    WebhookAttempt.objects.create(
        message=message,
        number=message.attempts,
        started_at=now,
        status_code=answer.status_code,
        latency_ms=answer.latency_ms,
        response_excerpt=answer.body[:EXCERPT_CHARS].decode("utf-8", "replace")[:EXCERPT_CHARS],
        error=error[:EXCERPT_CHARS],
        outcome=outcome,
    )
    _settle(message, outcome, retry_at, error)
    _count(endpoint, delivered=outcome == "delivered")
    return Outcome(outcome, retry_at)


def _settle(message: WebhookMessage, outcome: str, retry_at, error: str) -> None:
    if outcome == "delivered":
        fields = {"status": WebhookMessage.Status.DELIVERED, "delivered_at": timezone.now()}
    elif outcome == "retry":
        fields = {"status": WebhookMessage.Status.PENDING, "next_attempt_at": retry_at}
    else:
        fields = {"status": WebhookMessage.Status.FAILED}
    WebhookMessage.objects.filter(pk=message.pk, status=WebhookMessage.Status.SENDING).update(
        last_error=error[:EXCERPT_CHARS], **fields
    )


def _count(endpoint: WebhookEndpoint, *, delivered: bool) -> None:
    """A delivery ends the endpoint's failure run; a run long enough disables it."""
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint.pk)
    if delivered:
        endpoints.exclude(consecutive_failures=0).update(consecutive_failures=0)
        return
    endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    reason = f"Disabled after {limit} failed deliveries in a row."
    disabled = endpoints.filter(active=True, consecutive_failures__gte=limit).update(
        active=False, disabled_reason=reason
    )
    if disabled:
        _tell_owners(endpoint, reason)


def _tell_owners(endpoint: WebhookEndpoint, reason: str) -> None:
    owners = list(
        Clinician.objects.filter(
            clinic_id=endpoint.clinic_id, role=Clinician.Role.OWNER, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not owners:
        return
    body = (
        f"Your clinic's webhook endpoint {endpoint.url} has been switched off.\n\n"
        f"{reason} Nothing more is sent to it until an owner switches it back on "
        "(PATCH /api/v1/webhooks/{id} with active=true); failed messages can then be "
        "replayed.\n"
    ).replace("{id}", str(endpoint.pk))
    try:
        send_mail("A webhook endpoint was disabled", body, None, owners)
    except Exception:  # the endpoint is disabled whether or not the email goes out
        log.exception("could not email the owners of webhook endpoint %s", endpoint.pk)


def due_message_ids(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Messages due now (or left `sending` by a dead worker), oldest first."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    return list(
        WebhookMessage.objects.filter(
            Q(status=WebhookMessage.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookMessage.Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
