"""Outcomes of sends: what providers' answers mean for a row, written as they arrive.

A batch (the rows whose providers answered since the last write, at most
REMINDER_SEND_CONCURRENCY of them, or every row settled before any call) is
written with one statement per status, each only for rows whose lease is still
ours (same status and `claimed_at`), plus one for dead devices and one for
bounced addresses.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Value, When
from django.utils import timezone

from notifications.channels import Channel, DeliveryError, Message, Recipient
from notifications.models import Delivery, Device
from notifications.services.leases import Lease
from patients.models import Patient
from patients.token_cache import token_cache_forget_patients

logger = logging.getLogger(__name__)

Status = Delivery.Status


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


Answer = tuple[ProviderCall, str | Exception]


@dataclass
class Batch:
    """What some rows' provider answers mean for the database."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    dead_devices: dict[int, str] = field(default_factory=dict)
    bounced_patients: set[int] = field(default_factory=set)


def retry_or_fail(row: Delivery, error: str) -> Outcome:
    if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        return Outcome(Status.FAILED, error=f"gave up after {row.attempts} attempts: {error}")
    return Outcome(Status.PENDING, error=error)


def fold_row(answers: list[Answer], batch: Batch) -> None:
    """One row's outcome from the answers to all of its provider calls."""
    row = answers[0][0].row
    sent, transient, permanent = [], [], []
    for call, answer in answers:
        who = f"device {call.device.pk}: " if call.device else ""
        if isinstance(answer, str):
            sent.append(answer)
        elif isinstance(answer, DeliveryError) and answer.permanent:
            permanent.append(f"{who}{answer}")
            if call.device:
                batch.dead_devices[call.device.pk] = str(answer)[:200]
            else:
                batch.bounced_patients.add(row.patient_id)
        else:
            if not isinstance(answer, DeliveryError):  # a bug or an unmapped provider error
                logger.error("sending delivery %s failed", row.pk, exc_info=answer)
                answer = f"{type(answer).__name__}: {answer}"
            transient.append(f"{who}{answer}")
    errors = "; ".join(permanent + transient)
    if sent:
        # Some device has it: retrying the others would repeat it on this one.
        batch.outcomes[row.pk] = Outcome(Status.SENT, provider_id=",".join(sent), error=errors)
    elif transient:
        batch.outcomes[row.pk] = retry_or_fail(row, errors)
    else:
        batch.outcomes[row.pk] = Outcome(Status.FAILED, error=f"permanent: {errors}")


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
    """Write outcomes with one statement per status, only where the lease is still ours.

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


def _mark_bounced(patient_ids: set[int], now: dt.datetime) -> None:
    if patient_ids:
        changed = Patient.objects.filter(
            pk__in=list(patient_ids), email_bounced_at__isnull=True
        ).update(email_bounced_at=now)
        if changed:  # an update sends no signal: the cached sign-in rows say it here
            token_cache_forget_patients(patient_ids=patient_ids)


def batch_record(batch: Batch, *, lease: Lease, result: SendResult) -> None:
    """Write one batch now (autocommit: each statement stands on its own) and close its
    rows in the lease; a row whose lease was lost meanwhile is only logged."""
    if not batch.outcomes:
        return
    finished = timezone.now()
    _deactivate_devices(batch.dead_devices)
    _mark_bounced(batch.bounced_patients, finished)
    written = deliveries_record(outcomes=batch.outcomes, claimed_at=lease.stamp, now=finished)
    lists = {
        Status.SENT: result.sent,
        Status.FAILED: result.failed,
        Status.SKIPPED: result.skipped,
        Status.PENDING: result.retry,
    }
    for status, ids in written.items():
        lists[status].extend(ids)
    lease.close(batch.outcomes)
    lost = set(batch.outcomes) - {pk for ids in written.values() for pk in ids}
    for pk in sorted(lost):
        logger.warning("delivery %s was taken over before its outcome was written", pk)
