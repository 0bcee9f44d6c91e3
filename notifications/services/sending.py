"""Sending: claim a chunk of outbox rows, check once more, call providers, record
each outcome as soon as its provider answered.

- The chunk's rows are claimed in one statement as a lease (`leases.py`): rows
  another live sender holds, and rows whose outcome is written, are never touched,
  so two senders or a redelivered task cannot send a row twice.
- Completion (exercises left, or a check-in due and unanswered), preferences and
  reachability are checked again after the claim, just before the provider calls;
  a day that has passed is closed as `missed`.
  Rows settled by these checks are written at once, in one batch.
- Provider calls run outside any transaction in threads that never touch the
  database. At most REMINDER_SEND_CONCURRENCY rows are between their first call
  and their written outcome at any instant: the calling thread writes the answers
  that came in (one small batch, autocommit) before it starts more rows, and
  renews the lease of the rows still open while it waits. A crash therefore
  leaves at most that many rows sent-but-unrecorded, which are the only ones a
  takeover after the lease expired can repeat (with the same Message-ID and push
  collapse ids, see `delivery_key`).
- Transient errors put the row back to `pending` for the task to retry with
  backoff, until REMINDER_MAX_ATTEMPTS; permanent ones fail the row and
  deactivate the device or mark the address bounced.
"""

import dataclasses
import datetime as dt
import logging
from collections import defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections
from django.utils import timezone

from notifications.channels import Message, Recipient, active_channels
from notifications.models import Delivery, Device
from notifications.services.content import Routine, reminder_message, routines_left
from notifications.services.leases import Lease, deliveries_claim, lease_release
from notifications.services.outcomes import (
    Answer,
    Batch,
    Outcome,
    ProviderCall,
    SendResult,
    batch_record,
    fold_row,
    retry_or_fail,
)
from patients.timezones import local_today
from programs.outcomes.reminding import checkins_due_by_patient

__all__ = ["SendResult", "deliveries_claim", "deliveries_send", "delivery_key", "retry_countdown"]

logger = logging.getLogger(__name__)

Status = Delivery.Status
Reason = Delivery.SkipReason
# Longest wait between two looks at the lease while provider calls are in the air.
_MAX_WAIT_SECONDS = 1.0


def delivery_key(pk: int) -> str:
    """The same for every send of one delivery row: Message-ID and push collapse ids."""
    return f"delivery-{pk}"


def _precheck(
    row: Delivery, routine: Routine | None, checkin: int | None, now: dt.datetime
) -> Outcome | None:
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
    if routine is None and checkin is None:
        return Outcome(Status.SKIPPED, Reason.COMPLETED)
    return None


def _provider_calls(
    row: Delivery, message: Message, devices: list[Device]
) -> list[ProviderCall] | Outcome:
    """What to send for one row, or its outcome when there is nobody to send to."""
    channels = active_channels()
    if row.channel == Delivery.Channel.EMAIL:
        channel = channels.email()
        if channel is None:
            return Outcome(Status.FAILED, error="the email channel is not configured")
        user = row.patient.user
        return [ProviderCall(row, channel, message, Recipient(user.email, user.get_full_name()))]
    if not devices:
        return Outcome(Status.SKIPPED, Reason.NO_DEVICE)
    calls = []
    for device in devices:
        channel = channels.push_for(device.platform)
        if channel is not None:
            recipient = Recipient(device.token, name=device.name, keys=device.webpush_keys)
            calls.append(ProviderCall(row, channel, message, recipient, device))
    if not calls:
        platforms = sorted({d.platform for d in devices})
        return Outcome(Status.SKIPPED, Reason.NO_DEVICE, error=f"no push channel for {platforms}")
    return calls


def _call(call: ProviderCall) -> str | Exception:
    try:
        return call.channel.send(call.message, call.recipient)
    except Exception as exc:  # folded into the row's outcome by the caller
        return exc


def _row_answers(calls: list[ProviderCall]) -> list[Answer]:
    """Every provider call of one row, in turn (they go to different devices)."""
    try:
        return [(call, _call(call)) for call in calls]
    finally:
        # A provider library that touched the database must not leak a connection.
        connections.close_all()


def _work_left(
    rows: list[Delivery],
) -> tuple[dict[tuple[int, dt.date], Routine], dict[tuple[int, dt.date], int]]:
    """The last completion check: what is left of each row's day, exercises and a
    check-in due (two queries per day)."""
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for row in rows:
        by_day[row.local_date].add(row.patient_id)
    routines, checkins = {}, {}
    for day, patient_ids in by_day.items():
        for pid, routine in routines_left(patient_ids=sorted(patient_ids), day=day).items():
            routines[(pid, day)] = routine
        for pid, checkin in checkins_due_by_patient(
            patient_ids=sorted(patient_ids), day=day
        ).items():
            checkins[(pid, day)] = checkin
    return routines, checkins


def _prepare(rows: list[Delivery], now: dt.datetime) -> tuple[Batch, list[list[ProviderCall]]]:
    """Rows settled without a provider call, and the calls of each row to send."""
    devices: dict[int, list[Device]] = defaultdict(list)
    push_patients = [r.patient_id for r in rows if r.channel == Delivery.Channel.PUSH]
    if push_patients:
        active = Device.objects.filter(patient_id__in=push_patients, active=True).order_by("pk")
        for device in active:
            devices[device.patient_id].append(device)
    routines, checkins = _work_left(rows)
    settled, work = Batch(), []
    for row in rows:
        routine = routines.get((row.patient_id, row.local_date))
        checkin = checkins.get((row.patient_id, row.local_date))
        outcome = _precheck(row, routine, checkin, now)
        if outcome is None:
            try:
                message = reminder_message(
                    row.patient,
                    row.local_date,
                    routine,
                    checkin=checkin,
                    with_email=row.channel == Delivery.Channel.EMAIL,
                )
                message = dataclasses.replace(message, key=delivery_key(row.pk))
                outcome = _provider_calls(row, message, devices[row.patient_id])
            except Exception as exc:  # a bug: retry, then fail
                logger.exception("preparing delivery %s failed", row.pk)
                outcome = retry_or_fail(row, f"{type(exc).__name__}: {exc}")
        if isinstance(outcome, Outcome):
            settled.outcomes[row.pk] = outcome
        else:
            work.append(outcome)
    return settled, work


def _collect(futures, in_flight: dict[Future, list[ProviderCall]]) -> Batch:
    batch = Batch()
    for future in futures:
        in_flight.pop(future)
        fold_row(future.result(), batch)
    return batch


def _send_all(work: list[list[ProviderCall]], lease: Lease, result: SendResult) -> None:
    """Run the rows' calls with at most `width` rows open (called, outcome unwritten)."""
    width = max(1, min(settings.REMINDER_SEND_CONCURRENCY, len(work)))
    queue = deque(work)
    in_flight: dict[Future, list[ProviderCall]] = {}
    pool = ThreadPoolExecutor(width, thread_name_prefix="reminder-send")
    try:
        while queue or in_flight:
            while queue and len(in_flight) < width:
                calls = queue.popleft()
                if lease.holds(calls[0].row.pk):  # not taken over while we were busy
                    in_flight[pool.submit(_row_answers, calls)] = calls
            if not in_flight:
                break
            timeout = min(_MAX_WAIT_SECONDS, max(0.01, lease.seconds_to_renewal()))
            done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
            batch_record(_collect(done, in_flight), lease=lease, result=result)
            lease.renew_if_due()
    finally:
        # Only on an error (a soft time limit, a lost database): the calls in the air
        # still finish, and their outcomes are written if the database lets us; the
        # rows never started go back to `pending` for the next pass.
        pool.shutdown(wait=True)
        try:
            if in_flight:
                batch_record(_collect(list(in_flight), in_flight), lease=lease, result=result)
            unsent = [calls[0].row.pk for calls in queue if lease.holds(calls[0].row.pk)]
            if unsent:
                lease_release(ids=unsent, stamp=lease.stamp)
                lease.close(unsent)
        except Exception:
            logger.exception("could not write the outcomes of an interrupted chunk")


def deliveries_send(*, delivery_ids: list[int], now: dt.datetime | None = None) -> SendResult:
    now = now or timezone.now()
    result = SendResult()
    claimed = deliveries_claim(ids=list(delivery_ids), now=now)
    if not claimed:
        return result
    lease = Lease(stamp=now, open_ids=set(claimed))
    rows = list(
        Delivery.objects.filter(pk__in=claimed).select_related("patient__user").order_by("pk")
    )
    settled, work = _prepare(rows, now)
    batch_record(settled, lease=lease, result=result)
    lease.renew_if_due()
    _send_all(work, lease, result)
    for ids in (result.sent, result.failed, result.skipped, result.retry):
        ids.sort()
    return result


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s ... capped below the claim timeout."""
    base = settings.REMINDER_RETRY_BACKOFF_SECONDS
    return min(base * 2**retries, settings.REMINDER_CLAIM_TIMEOUT_SECONDS // 2)
