"""Claims on outbox rows as leases: taken in one statement, renewed while their
sender works, taken over only once they expired.

A row being sent is `sending` with `claimed_at` = its lease's stamp. The sender
renews the stamp of its still-unsent rows every REMINDER_CLAIM_TIMEOUT_SECONDS / 4,
so a live sender's rows never look abandoned however long its chunk runs; a row
whose stamp is older than the timeout belongs to a sender that died (or stalled
for longer than any task may run, see `notifications.checks`) and may be claimed
again. Every write of an outcome is conditional on the stamp being still ours.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import Delivery

Status = Delivery.Status


def lease_seconds() -> float:
    return float(settings.REMINDER_CLAIM_TIMEOUT_SECONDS)


def renew_interval() -> float:
    """How often a sender renews its lease: four times within one lease."""
    return lease_seconds() / 4


def expired_before(now: dt.datetime) -> dt.datetime:
    """A lease stamped before this instant has expired: its rows may be taken over."""
    return now - dt.timedelta(seconds=lease_seconds())


def lease_expired(claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
    """The takeover condition, as `deliveries_claim` applies it in SQL."""
    return claimed_at is not None and claimed_at < expired_before(now)


def _table() -> str:
    return connection.ops.quote_name(Delivery._meta.db_table)


def _stamp(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def deliveries_claim(*, ids: list[int], now: dt.datetime) -> list[int]:
    """Claim the claimable rows among `ids` in one statement; the lease's stamp is `now`.

    Claimable: `pending`, or `sending` under an expired lease. Rows under a live
    lease and rows with a recorded outcome are never touched.
    """
    if not ids:
        return []
    table = _table()
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
    params = [
        Status.SENDING,
        _stamp(now),
        *ids,
        Status.PENDING,
        Status.SENDING,
        _stamp(expired_before(now)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(pk for (pk,) in cursor.fetchall())


def _still_ours(ids: list[int], stamp: dt.datetime, sets: str, params: list) -> set[int]:
    if not ids:
        return set()
    table = _table()
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET {sets}"  # noqa: S608
        f" WHERE id IN ({placeholders}) AND status = %s AND claimed_at = %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids, Status.SENDING, _stamp(stamp)])
        return {pk for (pk,) in cursor.fetchall()}


def lease_renew(*, ids: list[int], stamp: dt.datetime, now: dt.datetime) -> set[int]:
    """Move the lease of our rows among `ids` from `stamp` to `now`; answers the rows
    still ours (a row missing was taken over, or its outcome is already written)."""
    return _still_ours(ids, stamp, "claimed_at = %s", [_stamp(now)])


def lease_release(*, ids: list[int], stamp: dt.datetime) -> set[int]:
    """Hand back rows we claimed but never sent: `pending` again, the attempt undone,
    so the next pass after the lease's time picks them up."""
    return _still_ours(ids, stamp, "status = %s, attempts = attempts - 1", [Status.PENDING])


@dataclass
class Lease:
    """One sender's claim on a chunk: the rows still open and the stamp they carry."""

    stamp: dt.datetime
    open_ids: set[int]
    lost_ids: set[int] = field(default_factory=set)
    renewed_at: float = field(default_factory=time.monotonic)

    def close(self, ids) -> None:
        """These rows' outcomes are written: nothing more to renew for them."""
        self.open_ids.difference_update(ids)

    def holds(self, pk: int) -> bool:
        return pk in self.open_ids

    def renew(self) -> None:
        now = max(timezone.now(), self.stamp)
        kept = lease_renew(ids=sorted(self.open_ids), stamp=self.stamp, now=now)
        self.lost_ids |= self.open_ids - kept
        self.open_ids = kept
        self.stamp = now
        self.renewed_at = time.monotonic()

    def renew_if_due(self) -> None:
        if self.open_ids and time.monotonic() - self.renewed_at >= renew_interval():
            self.renew()

    def seconds_to_renewal(self) -> float:
        return max(0.0, renew_interval() - (time.monotonic() - self.renewed_at))
