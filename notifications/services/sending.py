"""Sending: claim a chunk of outbox rows, check once more, call providers, record.

- A row is claimed in one short transaction (`FOR UPDATE SKIP LOCKED` where the
  database has it; SQLite serialises writers): `pending`, or `sending` whose claim
  is older than REMINDER_CLAIM_TIMEOUT_SECONDS (its worker died). Rows another
  sender holds, and rows already `sent`, are never touched, so two senders or a
  redelivered task cannot send a row twice.
- Completion, preferences and reachability are checked again after the claim,
  just before the provider calls; a day that has passed is closed as `missed`.
- Provider calls happen outside any transaction; each result is written at once,
  on the condition that the claim is still ours.
- Transient errors put the row back to `pending` for the task to retry with
  backoff, until REMINDER_MAX_ATTEMPTS; permanent ones fail the row and
  deactivate the device or mark the address bounced.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import DeliveryError, Message, Recipient, active_channels
from notifications.models import Delivery, Device
from notifications.services.content import Routine, reminder_message, routines_left
from patients.models import Patient
from patients.timezones import local_today

logger = logging.getLogger(__name__)

Status = Delivery.Status
Reason = Delivery.SkipReason


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    status: str
    skip_reason: str = ""
    provider_id: str = ""
    error: str = ""


def claimable_q(now: dt.datetime) -> Q:
    stale = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    return Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=stale)


def deliveries_claim(*, ids: list[int], now: dt.datetime) -> list[int]:
    with transaction.atomic():
        rows = Delivery.objects.filter(claimable_q(now), pk__in=ids).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=claimed).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return claimed


def _record(row: Delivery, outcome: Outcome, now: dt.datetime) -> bool:
    """Write the outcome if the claim is still ours; False if someone took it over."""
    changes: dict = {"status": outcome.status, "skip_reason": outcome.skip_reason}
    if outcome.error:
        changes["last_error"] = outcome.error[:2000]
    if outcome.status == Status.SENT:
        changes["provider_message_id"] = outcome.provider_id[:500]
    if outcome.status != Status.PENDING:
        changes["finished_at"] = now
    return bool(
        Delivery.objects.filter(pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at).update(
            **changes
        )
    )


def _retry_or_fail(row: Delivery, error: str) -> Outcome:
    if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return Outcome(Status.FAILED, error=f"gave up after {row.attempts} attempts: {error}")
    return Outcome(Status.PENDING, error=error)


def _precheck(row: Delivery, routine: Routine | None, now: dt.datetime) -> Outcome | None:
    patient = row.patient
    if local_today(patient.timezone, now) > row.local_date:
        return Outcome(Status.SKIPPED, Reason.MISSED)
    channel_on = (
        patient.remind_by_email if row.channel == Delivery.Channel.EMAIL else patient.remind_by_push
    )
    if not (patient.reminders_enabled and channel_on and patient.user.is_active):
        return Outcome(Status.SKIPPED, Reason.DISABLED)
    if row.channel == Delivery.Channel.EMAIL and not patient.email_reachable:
        return Outcome(Status.SKIPPED, Reason.UNSUBSCRIBED)
    if routine is None:
        return Outcome(Status.SKIPPED, Reason.COMPLETED)
    return None


def _send_email(row: Delivery, message: Message, now: dt.datetime) -> Outcome:
    channel = active_channels().email()
    if channel is None:
        return Outcome(Status.FAILED, error="the email channel is not configured")
    patient = row.patient
    try:
        provider_id = channel.send(
            message, Recipient(patient.user.email, name=patient.user.get_full_name())
        )
    except DeliveryError as exc:
        if exc.permanent:
            Patient.objects.filter(pk=patient.pk, email_bounced_at__isnull=True).update(
                email_bounced_at=now
            )
            return Outcome(Status.FAILED, error=f"permanent: {exc}")
        return _retry_or_fail(row, str(exc))
    return Outcome(Status.SENT, provider_id=provider_id)


def _send_push(row: Delivery, message: Message, devices: list[Device]) -> Outcome:
    if not devices:
        return Outcome(Status.SKIPPED, Reason.NO_DEVICE)
    channels = active_channels()
    sent, transient, permanent = [], [], []
    for device in devices:
        channel = channels.push_for(device.platform)
        if channel is None:
            continue
        recipient = Recipient(device.token, name=device.name, keys=device.webpush_keys)
        try:
            sent.append(channel.send(message, recipient))
        except DeliveryError as exc:
            if exc.permanent:
                Device.objects.filter(pk=device.pk, active=True).update(
                    active=False, deactivated_reason=str(exc)[:200], updated_at=timezone.now()
                )
                permanent.append(f"device {device.pk}: {exc}")
            else:
                transient.append(f"device {device.pk}: {exc}")
    errors = "; ".join(permanent + transient)
    if sent:
        # Some device has it: retrying the others would repeat it on this one.
        return Outcome(Status.SENT, provider_id=",".join(sent), error=errors)
    if transient:
        return _retry_or_fail(row, errors)
    if permanent:
        return Outcome(Status.FAILED, error=f"permanent: {errors}")
    platforms = sorted({d.platform for d in devices})
    return Outcome(Status.SKIPPED, Reason.NO_DEVICE, error=f"no push channel for {platforms}")


def deliveries_send(*, delivery_ids: list[int], now: dt.datetime | None = None) -> SendResult:
    now = now or timezone.now()
    result = SendResult()
    claimed = deliveries_claim(ids=list(delivery_ids), now=now)
    if not claimed:
        return result
    rows = list(
        Delivery.objects.filter(pk__in=claimed).select_related("patient__user").order_by("pk")
    )
    devices: dict[int, list[Device]] = defaultdict(list)
    push_patients = [r.patient_id for r in rows if r.channel == Delivery.Channel.PUSH]
    for device in Device.objects.filter(patient_id__in=push_patients, active=True).order_by("pk"):
        devices[device.patient_id].append(device)
    # The last completion check: what is left of each row's day, just before sending.
    routines: dict[tuple[int, dt.date], Routine] = {}
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for row in rows:
        by_day[row.local_date].add(row.patient_id)
    for day, patient_ids in by_day.items():
        for pid, routine in routines_left(patient_ids=sorted(patient_ids), day=day).items():
            routines[(pid, day)] = routine

    for row in rows:
        routine = routines.get((row.patient_id, row.local_date))
        outcome = _precheck(row, routine, now)
        if outcome is None:
            message = reminder_message(row.patient, row.local_date, routine)
            try:
                if row.channel == Delivery.Channel.EMAIL:
                    outcome = _send_email(row, message, now)
                else:
                    outcome = _send_push(row, message, devices[row.patient_id])
            except Exception as exc:  # a bug or an unmapped provider error: retry, then fail
                logger.exception("sending delivery %s failed", row.pk)
                outcome = _retry_or_fail(row, f"{type(exc).__name__}: {exc}")
        if not _record(row, outcome, timezone.now()):
            logger.warning("delivery %s was taken over before its outcome was written", row.pk)
            continue
        {
            Status.SENT: result.sent,
            Status.FAILED: result.failed,
            Status.SKIPPED: result.skipped,
            Status.PENDING: result.retry,
        }[outcome.status].append(row.pk)
    return result


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s ... capped below the claim timeout."""
    base = settings.REMINDER_RETRY_BACKOFF_SECONDS
    return min(base * 2**retries, settings.REMINDER_CLAIM_TIMEOUT_SECONDS // 2)
