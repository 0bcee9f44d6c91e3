"""Exactly once under real concurrency (PostgreSQL) and through a real worker (Redis)."""

import datetime as dt
import threading
import time
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Delivery
from notifications.services.planning import reminders_plan
from notifications.services.sending import deliveries_send
from tests.notifications.conftest import at_local, make_patient

TZ = "Europe/London"
DAY = dt.date(2026, 3, 10)
DUE = at_local(TZ, DAY, 18, 0)


def in_threads(target, n=2):
    """Run target(i) in n threads started together, each with its own DB connection."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target(i)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_planning_passes_at_once_write_one_row_per_patient_date_channel():
    patients = [make_patient(TZ) for _ in range(40)]
    plans = in_threads(lambda i: reminders_plan(now=DUE, enqueue=None), n=3)

    today = Delivery.objects.filter(local_date=DAY)
    assert today.count() == 2 * len(patients)
    pending = [set(plan.pending_ids) for plan in plans]
    assert sum(len(p) for p in pending) == 2 * len(patients)  # each row planned by one pass
    assert set().union(*pending) == set(today.values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_on_the_same_chunk_at_once_send_each_row_once(push_outbox):
    for _ in range(30):
        make_patient(TZ)
    ids = reminders_plan(now=DUE, enqueue=None).pending_ids
    results = in_threads(lambda i: deliveries_send(delivery_ids=ids, now=DUE), n=2)

    sent = [set(r.sent) for r in results]
    assert sent[0].isdisjoint(sent[1])
    assert sent[0] | sent[1] == set(ids)
    assert len(mail.outbox) == 30 and len(push_outbox) == 30
    assert set(Delivery.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_chunk_concurrently_send_each_row_once(push_outbox, settings):
    """Each worker's provider calls overlap inside its task, and the two tasks overlap."""
    from notifications.channels.local import LocmemChannel

    settings.REMINDER_SEND_CONCURRENCY = 8
    patients = [make_patient(TZ, remind_by_email=False) for _ in range(60)]
    ids = reminders_plan(now=DUE, enqueue=None).pending_ids
    real_send = LocmemChannel.send
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow(self, message, recipient):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.01)  # provider latency, so both workers' calls are in the air at once
        with lock:
            in_flight[0] -= 1
        return real_send(self, message, recipient)

    with mock.patch.object(LocmemChannel, "send", slow):
        results = in_threads(lambda i: deliveries_send(delivery_ids=ids, now=DUE), n=2)

    sent = [set(r.sent) for r in results]
    assert sent[0].isdisjoint(sent[1])
    assert sent[0] | sent[1] == set(ids)
    assert peak[0] > 1
    tokens = [p.recipient.address for p in push_outbox]
    assert sorted(tokens) == sorted(p.devices.get().token for p in patients)
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len({r.provider_message_id for r in rows}) == len(ids)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_takes_a_batch_from_due_to_sent(settings, push_outbox):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # A queue of its own, so no other worker on this Redis takes our tasks.
    settings.REMINDER_SEND_QUEUE = queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    settings.REMINDER_SEND_CHUNK = 7
    patients = [make_patient("UTC", dt.time(0, 0)) for _ in range(20)]
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, queues=[queue]):
        plan = reminders_plan()
        assert len(plan.pending_ids) == 40
        rows = Delivery.objects.filter(pk__in=plan.pending_ids)
        deadline = time.monotonic() + 30
        while rows.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert sorted(rows.values_list("status", flat=True)) == ["sent"] * 40
    assert len(mail.outbox) == 20
    assert sorted(p.recipient.address for p in push_outbox) == sorted(
        p.devices.get().token for p in patients
    )
