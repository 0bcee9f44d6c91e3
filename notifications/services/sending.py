"""Sending: claim a chunk of outbox rows, check once more, call providers, record.

A chunk costs a fixed number of statements whatever its size, and its provider
calls overlap:
- The chunk's rows are claimed in one statement (`UPDATE ... WHERE id IN (SELECT
  ... FOR UPDATE SKIP LOCKED) RETURNING id` where the database has it; SQLite
  serialises writers): `pending`, or `sending` whose claim is older than
  REMINDER_CLAIM_TIMEOUT_SECONDS (its worker died). Rows another sender holds,
  and rows already `sent`, are never touched, so two senders or a redelivered
  task cannot send a row twice.
- Completion, preferences and reachability are checked again after the claim,
  just before the provider calls; a day that has passed is closed as `missed`.
- Provider calls run outside any transaction, up to REMINDER_SEND_CONCURRENCY at
  once in threads that never touch the database.
- Outcomes are written with one statement per kind (sent, failed, skipped, back
  to pending), each only for rows whose claim is still ours (same status and
  `claimed_at`), plus one for dead devices and one for bounced addresses.
- Transient errors put the row back to `pending` for the task to retry with
  backoff, until REMINDER_MAX_ATTEMPTS; permanent ones fail the row and
  deactivate the device or mark the address bounced.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from notifications.channels import Channel, DeliveryError, Message, Recipient, active_channels
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


@dataclass(frozen=True)
class ProviderCall:
    """One message to one address (an email, or a push to one device) of a row."""

    row: Delivery
    channel: Channel
    message: Message
    recipient: Recipient
    device: Device | None = None


def deliveries_claim(*, ids: list[int], now: dt.datetime) -> list[int]:
    """Claim the claimable rows among `ids` in one statement; the claim's token is `now`."""
    if not ids:
        return []
    ops = connection.ops
    table = ops.quote_name(Delivery._meta.db_table)
    stamp = ops.adapt_datetimefield_value(now)
    stale = ops.adapt_datetimefield_value(
        now - dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    )
    # Rows locked by another sender's claim are skipped, never waited for.
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1"  # noqa: S608
        f" WHERE id IN (SELECT id FROM {table} WHERE id IN ({placeholders})"
        f" AND (status = %s OR (status = %s AND claimed_at < %s)){lock})"
        " RETURNING id"
    )
    params = [Status.SENDING, stamp, *ids, Status.PENDING, Status.SENDING, stale]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(pk for (pk,) in cursor.fetchall())


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


def _call_in_thread(call: ProviderCall) -> str | Exception:
    try:
        return _call(call)
    finally:
        # A provider library that touched the database must not leak a connection.
        connections.close_all()


def provider_calls_run(calls: list[ProviderCall]) -> list[str | Exception]:
    """Every call's provider id or error, in order; up to REMINDER_SEND_CONCURRENCY at once.

    Channels are shared by the threads: each one is safe to call concurrently.
    """
    workers = min(settings.REMINDER_SEND_CONCURRENCY, len(calls))
    if workers <= 1:
        return [_call(call) for call in calls]
    with ThreadPoolExecutor(workers, thread_name_prefix="reminder-send") as pool:
        return list(pool.map(_call_in_thread, calls))


@dataclass
class _Fold:
    """What a chunk's provider answers mean for the database."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    dead_devices: dict[int, str] = field(default_factory=dict)
    bounced_patients: set[int] = field(default_factory=set)


def _fold(rows_calls: dict[int, list[tuple[ProviderCall, str | Exception]]], fold: _Fold) -> None:
    for answers in rows_calls.values():
        row = answers[0][0].row
        sent, transient, permanent = [], [], []
        for call, answer in answers:
            who = f"device {call.device.pk}: " if call.device else ""
            if isinstance(answer, str):
                sent.append(answer)
            elif isinstance(answer, DeliveryError) and answer.permanent:
                permanent.append(f"{who}{answer}")
                if call.device:
                    fold.dead_devices[call.device.pk] = str(answer)[:200]
                else:
                    fold.bounced_patients.add(row.patient_id)
            else:
                if not isinstance(answer, DeliveryError):  # a bug or an unmapped provider error
                    logger.error("sending delivery %s failed", row.pk, exc_info=answer)
                    answer = f"{type(answer).__name__}: {answer}"
                transient.append(f"{who}{answer}")
        errors = "; ".join(permanent + transient)
        if sent:
            # Some device has it: retrying the others would repeat it on this one.
            fold.outcomes[row.pk] = Outcome(Status.SENT, provider_id=",".join(sent), error=errors)
        elif transient:
            fold.outcomes[row.pk] = _retry_or_fail(row, errors)
        else:
            fold.outcomes[row.pk] = Outcome(Status.FAILED, error=f"permanent: {errors}")


def _per_row(values: dict[int, str], output_field):
    """One value per row id as one expression: a constant, or CASE WHEN id = ... END."""
    if len(set(values.values())) == 1:
        return Value(next(iter(values.values())), output_field=output_field)
    whens = [When(pk=pk, then=Value(value)) for pk, value in values.items()]
    return Case(*whens, output_field=output_field)


def _record_status(
    status: str, group: dict[int, Outcome], claimed_at: dt.datetime, now: dt.datetime
) -> list[int]:
    """One UPDATE ... FROM (VALUES ...) for every row of one status; answers the ids written.

    A row without a new error keeps its last one (the history of a retried row).
    """
    ops = connection.ops
    table = ops.quote_name(Delivery._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(group))
    values = []
    for pk, outcome in group.items():
        values += [pk, outcome.skip_reason, outcome.error[:2000], outcome.provider_id[:500]]
    sets = [
        "status = %s",
        "skip_reason = v.column2",
        f"last_error = CASE WHEN v.column3 = '' THEN {table}.last_error ELSE v.column3 END",
    ]
    params: list = [status]
    if status == Status.SENT:
        sets.append("provider_message_id = v.column4")
    if status != Status.PENDING:
        sets.append("finished_at = %s")
        params.append(ops.adapt_datetimefield_value(now))
    sql = (
        f"UPDATE {table} SET {', '.join(sets)} FROM (VALUES {rows}) AS v"  # noqa: S608
        f" WHERE {table}.id = v.column1 AND {table}.status = %s AND {table}.claimed_at = %s"
        f" RETURNING {table}.id"
    )
    params += [*values, Status.SENDING, ops.adapt_datetimefield_value(claimed_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(pk for (pk,) in cursor.fetchall())


def deliveries_record(
    *, outcomes: dict[int, Outcome], claimed_at: dt.datetime, now: dt.datetime
) -> dict[str, list[int]]:
    """Write outcomes with one statement per status, only where the claim is still ours.

    Answers the ids written per status; a row missing was taken over meanwhile.
    """
    by_status: dict[str, dict[int, Outcome]] = defaultdict(dict)
    for pk, outcome in outcomes.items():
        by_status[outcome.status][pk] = outcome
    return {
        status: _record_status(status, group, claimed_at, now)
        for status, group in by_status.items()
    }


def _deactivate_devices(reasons: dict[int, str]) -> None:
    if reasons:
        Device.objects.filter(pk__in=list(reasons), active=True).update(
            active=False,
            deactivated_reason=_per_row(reasons, CharField()),
            updated_at=timezone.now(),
        )


def _mark_bounced(patient_ids: Iterable[int], now: dt.datetime) -> None:
    if patient_ids:
        Patient.objects.filter(pk__in=list(patient_ids), email_bounced_at__isnull=True).update(
            email_bounced_at=now
        )


def _routines(rows: list[Delivery]) -> dict[tuple[int, dt.date], Routine]:
    """The last completion check: what is left of each row's day (one query per day)."""
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    for row in rows:
        by_day[row.local_date].add(row.patient_id)
    routines = {}
    for day, patient_ids in by_day.items():
        for pid, routine in routines_left(patient_ids=sorted(patient_ids), day=day).items():
            routines[(pid, day)] = routine
    return routines


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
    if push_patients:
        active = Device.objects.filter(patient_id__in=push_patients, active=True).order_by("pk")
        for device in active:
            devices[device.patient_id].append(device)
    routines = _routines(rows)

    fold = _Fold()
    calls: list[ProviderCall] = []
    for row in rows:
        routine = routines.get((row.patient_id, row.local_date))
        outcome = _precheck(row, routine, now)
        if outcome is None:
            try:
                message = reminder_message(
                    row.patient,
                    row.local_date,
                    routine,
                    with_email=row.channel == Delivery.Channel.EMAIL,
                )
                outcome = _provider_calls(row, message, devices[row.patient_id])
            except Exception as exc:  # a bug: retry, then fail
                logger.exception("preparing delivery %s failed", row.pk)
                outcome = _retry_or_fail(row, f"{type(exc).__name__}: {exc}")
        if isinstance(outcome, Outcome):
            fold.outcomes[row.pk] = outcome
        else:
            calls.extend(outcome)

    by_row: dict[int, list[tuple[ProviderCall, str | Exception]]] = defaultdict(list)
    for call, answer in zip(calls, provider_calls_run(calls), strict=True):
        by_row[call.row.pk].append((call, answer))
    _fold(by_row, fold)

    finished = timezone.now()
    _deactivate_devices(fold.dead_devices)
    _mark_bounced(fold.bounced_patients, now)
    written = deliveries_record(outcomes=fold.outcomes, claimed_at=now, now=finished)
    lists = {
        Status.SENT: result.sent,
        Status.FAILED: result.failed,
        Status.SKIPPED: result.skipped,
        Status.PENDING: result.retry,
    }
    for status, ids in written.items():
        lists[status].extend(ids)
    lost = set(fold.outcomes) - {pk for ids in written.values() for pk in ids}
    for pk in sorted(lost):
        logger.warning("delivery %s was taken over before its outcome was written", pk)
    return result


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s ... capped below the claim timeout."""
    base = settings.REMINDER_RETRY_BACKOFF_SECONDS
    return min(base * 2**retries, settings.REMINDER_CLAIM_TIMEOUT_SECONDS // 2)
