"""fanout: reminders from due to `sent`, end to end: the product's planning pass, its
chunked send tasks through Redis to a real Celery worker, the `locmem` channel with
5 ms of provider latency per send. Against (1) the same sends by one plain Python
loop in one process with the same concurrency (threads), and (2) the product's own
sending with one task per reminder instead of its chunks.
Targets: ours >= 2x faster than the loop; one task per reminder >= 5x slower.

Spec size is 100,000 reminders; the defaults here are 8,000 for ours vs the loop,
and 2,000 (one chunk per worker process) for one task per reminder vs ours: on this
2-core machine the worker gets through ~50-70 single-reminder tasks a second, so
100,000 would take most of an hour per run.
The small set is made by giving every other patient today's row beforehand, so the
planning pass writes only that many. --patients / --per-task-patients change both."""

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench import harness

LOOP_TARGET = 2.0
PER_TASK_TARGET = 5.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fanout")
    parser.add_argument("--patients", type=int, default=8_000, help="reminders per run")
    parser.add_argument("--per-task-patients", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--concurrency", type=int, default=8, help="worker processes = loop threads"
    )
    args = parser.parse_args(argv)
    return harness.run("fanout", lambda: _run(args))


def _wait_sent(expected: int, timeout: float = 400.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (open_rows, sent), = harness.sql(
            "SELECT count(*) FILTER (WHERE status IN ('pending', 'sending')),"
            " count(*) FILTER (WHERE status = 'sent') FROM notifications_delivery"
        )  # fmt: skip
        if not open_rows:
            if sent != expected:
                raise RuntimeError(f"{sent} reminders sent, expected {expected}")
            return
        time.sleep(0.05)
    raise RuntimeError(f"reminders still open after {timeout}s")


def _loop_send(ids: list[int], threads: int, channel_class) -> None:
    """The plain loop: load the rows, then per row build a message, send, mark sent."""
    from django.db import connection
    from django.utils import timezone

    from notifications.channels import Message, Recipient
    from notifications.models import Delivery

    rows = list(
        Delivery.objects.filter(pk__in=ids).values_list(
            "pk", "patient__user__first_name", "patient__devices__token"
        )
    )
    channel = channel_class()

    def send(row):
        pk, name, token = row
        message = Message(subject="Time for your exercises", text=f"Hi {name}",
                          title="Time for your exercises", body=f"Hi {name}, today's routine")  # fmt: skip
        provider_id = channel.send(message, Recipient(token, name=name))
        Delivery.objects.filter(pk=pk).update(
            status="sent", provider_message_id=provider_id, finished_at=timezone.now(),
            attempts=1,
        )  # fmt: skip

    def send_all(chunk):
        try:
            for row in chunk:
                send(row)
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send_all, [rows[n::threads] for n in range(threads)]))


def _run(args) -> int:
    with harness.bench_database("fanout") as env:
        planning = harness.require_attr(
            "notifications.services.planning", ["reminders_plan"], "the reminder planning pass"
        )
        harness.require_attr("notifications.tasks", ["send_deliveries"], "the send task")
        from django.conf import settings
        from django.test import override_settings

        import config.celery  # noqa: F401  (the bench process enqueues)
        from bench.dispatch import planning_instant, seed_due_population
        from bench.worker import install_slow_locmem
        from notifications.models import Device
        from patients.models import Patient

        now = planning_instant()
        harness.progress(f"seeding {args.patients:,} patients due now, each with a push device")
        pop = seed_due_population(args.patients, now, not_due=0)
        # Every due reminder is one push to send: email off, a device for everyone,
        # nobody done yet (the skipped rows are dispatch's business, not this one's).
        Patient.objects.update(remind_by_email=False, email_unsubscribed_at=None,
                               quiet_start=None, quiet_end=None)  # fmt: skip
        harness.sql("TRUNCATE programs_exerciselog, programs_session")
        have = set(Device.objects.values_list("patient_id", flat=True))
        Device.objects.bulk_create(
            Device(patient_id=pid, platform="fcm", token=f"fcm-extra-{pid}")
            for pid in pop.patient_ids if pid not in have
        )  # fmt: skip
        harness.analyze()
        slow_channel = install_slow_locmem()

        log = open(harness.VAR_DIR / f"worker-{os.getpid()}.log", "w")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bench.worker", "worker", "--pool", "prefork",
             "--concurrency", str(args.concurrency), "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--hostname", f"bench-{os.getpid()}@%h"],
            cwd=harness.ROOT, env={**os.environ, **env}, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            from config.celery import app

            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1.0):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise RuntimeError("the Celery worker did not start; see " + log.name)
            harness.progress(f"worker up: prefork x{args.concurrency}, Redis DB {env['REDIS_URL']}")

            def reset():
                harness.sql("TRUNCATE notifications_delivery")

            def reset_small():
                """Only the first `per_task_patients` are left to plan: the rest already
                have today's row (skipped), as if handled by an earlier pass."""
                reset()
                harness.sql(
                    "INSERT INTO notifications_delivery (patient_id, local_date, channel,"
                    " status, skip_reason, attempts, last_error, provider_message_id,"
                    " due_at, created_at, finished_at) SELECT p.id,"
                    " (%(now)s::timestamptz AT TIME ZONE p.timezone)::date, 'push',"
                    " 'skipped', 'disabled', 0, '', '', %(now)s, %(now)s, %(now)s"
                    " FROM patients_patient p WHERE NOT (p.id = ANY(%(keep)s))",
                    {"now": now, "keep": small_set},
                )

            def ours() -> float:
                start = time.perf_counter()
                result = planning(now=now)
                _wait_sent(len(result.pending_ids))
                return time.perf_counter() - start

            def per_task() -> float:
                start = time.perf_counter()
                with override_settings(REMINDER_SEND_CHUNK=1):
                    result = planning(now=now)
                _wait_sent(len(result.pending_ids))
                return time.perf_counter() - start

            def loop() -> float:
                start = time.perf_counter()
                result = planning(now=now, enqueue=None)
                _loop_send(result.pending_ids, args.concurrency, slow_channel)
                _wait_sent(len(result.pending_ids))
                return time.perf_counter() - start

            small_set = pop.patient_ids[: args.per_task_patients]
            reset()
            n = len(planning(now=now, enqueue=None).pending_ids)
            reset_small()
            n_small = len(planning(now=now, enqueue=None).pending_ids)
            reset()
            harness.progress(f"warm-up: one chunked run of {n:,} reminders")
            ours()
            ours_s, loop_s, per_task_s, ours_small_s = [], [], [], []
            runs = (
                (reset, ours, ours_s),
                (reset, loop, loop_s),
                (reset_small, per_task, per_task_s),
                (reset_small, ours, ours_small_s),
            )
            for number in range(1, args.rounds + 1):
                for before, fn, values in runs:
                    before()
                    values.append(fn())
                harness.progress(
                    f"round {number}/{args.rounds}: {n:,} reminders: ours {ours_s[-1]:.2f}s, "
                    f"loop {loop_s[-1]:.2f}s; {n_small:,} reminders: one task each "
                    f"{per_task_s[-1]:.2f}s, ours {ours_small_s[-1]:.2f}s"
                )
        finally:
            harness.stop_process(worker)
            log.close()
        size = settings.REMINDER_SEND_CHUNK
        speedup = harness.Comparison(
            title="ours vs plain loop (speed-up, loop time / ours)",
            subject=f"plan + {n:,} sends via Celery/Redis, chunks of {size}, "
            f"worker prefork x{args.concurrency}",
            reference=f"plan + the same sends in one process, a loop over {args.concurrency} threads",
            unit="seconds",
            subject_values=ours_s,
            reference_values=loop_s,
            target=LOOP_TARGET,
            at_least=True,
            ratio_note="loop / ours",
            ratios=[b / a for a, b in zip(ours_s, loop_s, strict=True)],
        )
        chunking = harness.Comparison(
            title="one task per reminder vs ours (slow-down, per-task time / ours)",
            subject=f"plan + {n_small:,} sends, one Celery task per reminder "
            "(REMINDER_SEND_CHUNK=1)",
            reference=f"plan + {n_small:,} sends, chunks of {size}",
            unit="seconds",
            subject_values=per_task_s,
            reference_values=ours_small_s,
            target=PER_TASK_TARGET,
            at_least=True,
            ratio_note="per-task / ours",
        )
        notes = [
            f"{n:,} reminders per run for ours vs the loop, {n_small:,} for one task per "
            "reminder vs ours (spec: 100,000; see --patients / --per-task-patients)",
            f"5 ms provider latency per send; worker prefork and loop threads both "
            f"{args.concurrency}; each round runs the four in turn, outbox reset before each",
        ]
        return harness.report("fanout", [speedup, chunking], notes)
