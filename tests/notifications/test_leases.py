"""A claim is a lease: renewed while its sender works, taken over only once expired;
outcomes are written as they come, so a crash repeats at most what was in the air."""

import datetime as dt
import threading
from unittest import mock

import pytest
import time_machine
from django.core import mail

from notifications.channels.local import LocmemChannel
from notifications.models import Delivery
from notifications.services import outcomes
from notifications.services.leases import (
    Lease,
    deliveries_claim,
    lease_expired,
    lease_release,
    lease_renew,
)
from notifications.services.sending import deliveries_send
from tests.notifications.conftest import at_local, make_patient, plan_at

pytestmark = pytest.mark.django_db

TZ = "Europe/London"
DAY = dt.date(2026, 3, 10)
DUE = at_local(TZ, DAY, 18, 0)
SECOND = dt.timedelta(seconds=1)


def push_rows(n: int) -> list[int]:
    for _ in range(n):
        make_patient(TZ, remind_by_email=False)
    return plan_at(DUE).pending_ids


def claimed_at(pk: int) -> dt.datetime:
    return Delivery.objects.get(pk=pk).claimed_at


def test_takeover_condition_is_strictly_older_than_the_timeout(settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    assert not lease_expired(None, DUE)
    assert not lease_expired(DUE, DUE)
    assert not lease_expired(DUE - 60 * SECOND, DUE)
    assert lease_expired(DUE - 61 * SECOND, DUE)


def test_a_live_lease_is_not_taken_over_and_an_expired_one_is(settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    [pk] = push_rows(1)
    assert deliveries_claim(ids=[pk], now=DUE) == [pk]
    assert deliveries_claim(ids=[pk], now=DUE + 60 * SECOND) == []
    assert deliveries_claim(ids=[pk], now=DUE + 61 * SECOND) == [pk]
    row = Delivery.objects.get(pk=pk)
    assert (row.status, row.attempts, row.claimed_at) == ("sending", 2, DUE + 61 * SECOND)


def test_renewal_moves_only_our_open_rows_and_reports_rows_taken_over(settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    a, b, c = push_rows(3)
    deliveries_claim(ids=[a, b, c], now=DUE)
    # b's lease expired and another sender took it over.
    assert deliveries_claim(ids=[b], now=DUE + 61 * SECOND) == [b]
    kept = lease_renew(ids=[a, b, c], stamp=DUE, now=DUE + 62 * SECOND)
    assert kept == {a, c}
    assert claimed_at(a) == claimed_at(c) == DUE + 62 * SECOND
    assert claimed_at(b) == DUE + 61 * SECOND
    # A renewed row is not claimable by anyone at the instant its old stamp expires.
    assert deliveries_claim(ids=[a, c], now=DUE + 100 * SECOND) == []


def test_lease_object_renews_on_schedule_and_forgets_lost_rows(settings):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 8  # renewed every 2 s
    a, b = push_rows(2)
    deliveries_claim(ids=[a, b], now=DUE)
    lease = Lease(stamp=DUE, open_ids={a, b})
    Delivery.objects.filter(pk=b).update(claimed_at=DUE - SECOND)  # someone else's now
    with time_machine.travel(DUE + 3 * SECOND, tick=False):
        lease.renewed_at -= 1.0
        lease.renew_if_due()  # 1 s since the last renewal: not yet
        assert claimed_at(a) == DUE
        lease.renewed_at -= 1.5
        lease.renew_if_due()
    assert claimed_at(a) == DUE + 3 * SECOND and lease.stamp == DUE + 3 * SECOND
    assert lease.open_ids == {a} and lease.lost_ids == {b}


def test_released_rows_are_pending_again_with_the_attempt_undone():
    a, b = push_rows(2)
    deliveries_claim(ids=[a, b], now=DUE)
    Delivery.objects.filter(pk=b).update(status="sent")
    assert lease_release(ids=[a, b], stamp=DUE) == {a}
    row = Delivery.objects.get(pk=a)
    assert (row.status, row.attempts) == ("pending", 0)


def test_a_chunk_outlasting_its_lease_is_renewed_and_never_taken_over(settings, push_outbox):
    """A live sender keeps its rows while a second sender tries them over and over."""
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 1  # renewed every 0.25 s
    settings.REMINDER_SEND_CONCURRENCY = 2
    ids = push_rows(12)
    real_send = LocmemChannel.send
    stolen = []

    def slow(self, message, recipient):
        threading.Event().wait(0.25)  # the chunk takes ~1.5 s, past its 1 s lease
        return real_send(self, message, recipient)

    def try_takeover():
        # Another sender (a beat sweep, a command) at the real time, in this thread:
        # SQLite in memory is one connection.
        stolen.extend(deliveries_claim(ids=ids, now=outcomes.timezone.now()))

    real_record = outcomes.batch_record

    def record_then_try(batch, **kwargs):
        real_record(batch, **kwargs)
        try_takeover()

    with (
        time_machine.travel(DUE, tick=True),
        mock.patch.object(LocmemChannel, "send", slow),
        mock.patch("notifications.services.sending.batch_record", record_then_try),
    ):
        result = deliveries_send(delivery_ids=ids)
    assert stolen == []
    assert sorted(result.sent) == sorted(ids)
    addresses = [p.recipient.address for p in push_outbox]
    assert len(addresses) == len(set(addresses)) == 12
    # The rows' leases moved on while they waited their turn.
    assert (
        max(Delivery.objects.filter(pk__in=ids).values_list("claimed_at", flat=True)) > DUE + SECOND
    )


def test_at_most_the_concurrency_is_ever_called_but_unrecorded(settings, push_outbox):
    settings.REMINDER_SEND_CONCURRENCY = 3
    ids = push_rows(20)
    lock = threading.Lock()
    called, recorded, peak = set(), set(), [0]
    real_send = LocmemChannel.send
    real_record = outcomes.deliveries_record

    def send(self, message, recipient):
        with lock:
            called.add(message.key)
            peak[0] = max(peak[0], len(called - recorded))
        threading.Event().wait(0.01)
        return real_send(self, message, recipient)

    def record(*, outcomes: dict, **kwargs):
        written = real_record(outcomes=outcomes, **kwargs)
        with lock:
            recorded.update(f"delivery-{pk}" for pk in outcomes)
        return written

    with (
        time_machine.travel(DUE, tick=True),
        mock.patch.object(LocmemChannel, "send", send),
        mock.patch.object(outcomes, "deliveries_record", record),
    ):
        deliveries_send(delivery_ids=ids)
    assert len(called) == 20 and recorded >= called
    assert 1 < peak[0] <= 3


def test_an_interrupted_chunk_keeps_what_it_sent_and_a_redelivery_sends_nothing_twice(
    settings, push_outbox
):
    """The chunk is interrupted at its 8th provider call: the 7 rows answered before
    are `sent` already, the 4 never started are handed back, the one in the air keeps
    its lease; the redelivered task and the later takeover repeat none of them."""
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    settings.REMINDER_SEND_CONCURRENCY = 1
    ids = push_rows(12)
    real_send = LocmemChannel.send
    calls = []

    class Interrupted(BaseException):
        """Like a time limit or a kill: not an answer a provider gives."""

    def interrupted_at_eighth(self, message, recipient):
        calls.append(message.key)
        if len(calls) == 8:
            raise Interrupted
        return real_send(self, message, recipient)

    with (
        time_machine.travel(DUE, tick=False),
        mock.patch.object(LocmemChannel, "send", interrupted_at_eighth),
        pytest.raises(Interrupted),
    ):
        deliveries_send(delivery_ids=ids)
    rows = Delivery.objects.filter(pk__in=ids)
    assert (
        sorted(rows.values_list("status", flat=True))
        == ["pending"] * 4 + ["sending"] + ["sent"] * 7
    )
    assert len(push_outbox) == 7

    with time_machine.travel(DUE + SECOND, tick=False):
        redelivered = deliveries_send(delivery_ids=ids)
    assert len(redelivered.sent) == 4  # only the rows handed back
    with time_machine.travel(DUE + 61 * SECOND, tick=False):
        taken_over = deliveries_send(delivery_ids=ids)
    assert len(taken_over.sent) == 1  # the one whose call never answered
    addresses = [p.recipient.address for p in push_outbox]
    assert len(addresses) == len(set(addresses)) == 12
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert mail.outbox == []
