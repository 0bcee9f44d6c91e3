"""Exactly once under crashes, end to end: real Celery workers on Redis, PostgreSQL,
and a real SMTP server on loopback that counts what each recipient received.

Sizes are small by default; CRASH_TEST_PATIENTS raises them and CRASH_TEST_KILL_AT
moves the kill (the fault table in the README was measured that way, with -s to see
the figures)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from notifications.models import Delivery
from notifications.services.planning import enqueue_sending, reminders_plan
from tests.notifications.conftest import make_patient
from tests.notifications.smtp_sink import CountingInbox, SmtpSink

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = int(os.environ.get("CRASH_TEST_PATIENTS", "240"))
CONCURRENCY = 4  # provider calls in flight per sending process
PROCESSES = 2  # prefork children per worker
KILL_AT = float(os.environ.get("CRASH_TEST_KILL_AT", "0.25"))  # share of the mail received
LEASE = 6  # seconds; the workers' hard time limit is below it, as the start-up check wants
TIMING = {
    "REMINDER_CLAIM_TIMEOUT_SECONDS": str(LEASE),
    "CELERY_TASK_SOFT_TIME_LIMIT": "4",
    "CELERY_TASK_TIME_LIMIT": "5",
}


def _database_url() -> str:
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


class Processes:
    """Workers and commands in process groups of their own, so a kill takes the group."""

    def __init__(self, tmp_path: Path, smtp_port: int, send_queue: str, plan_queue: str):
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            **TIMING,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],
            "TEST_SMTP_PORT": str(smtp_port),
            "REMINDER_SEND_QUEUE": send_queue,
            "REMINDER_SCHEDULER_QUEUE": plan_queue,
            "REMINDER_SEND_CONCURRENCY": str(CONCURRENCY),
            "LOG_LEVEL": "INFO",
        }
        self.started: list[subprocess.Popen] = []

    def _start(self, args: list[str], name: str, **env: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}-{len(self.started)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = log.name
        self.started.append(process)
        return process

    def worker(self, queue: str, *, processes: int = PROCESSES, **env: str) -> subprocess.Popen:
        name = f"crash-{uuid.uuid4().hex[:6]}@localhost"
        process = self._start(
            ["-m", "celery", "-A", "config", "worker", "-Q", queue, "-P", "prefork",
             "-c", str(processes), "-n", name, "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "INFO"],
            "worker",
            **env,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while "ready." not in Path(process.log_path).read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker did not start:\n{Path(process.log_path).read_text()}")
            time.sleep(0.2)
        return process

    def command(self, *args: str, **env: str) -> subprocess.Popen:
        return self._start(["manage.py", *args], "command", **env)

    def kill_group(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def children(self, process: subprocess.Popen) -> list[int]:
        tasks = Path(f"/proc/{process.pid}/task")
        pids = []
        for task in tasks.iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
        return pids

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def queues(settings):
    tag = uuid.uuid4().hex[:8]
    settings.REMINDER_SEND_QUEUE = f"crash-send-{tag}"
    settings.REMINDER_SCHEDULER_QUEUE = f"crash-plan-{tag}"
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = LEASE
    settings.REMINDER_SEND_CHUNK = 25
    return settings.REMINDER_SEND_QUEUE, settings.REMINDER_SCHEDULER_QUEUE


@pytest.fixture
def rig(tmp_path, queues):
    def start(**inbox_options):
        inbox = CountingInbox(**inbox_options)
        sink = SmtpSink(inbox).__enter__()
        processes = Processes(tmp_path, sink.port, *queues)
        opened.append((sink, processes))
        return inbox, processes

    opened = []
    yield start
    for sink, processes in opened:
        processes.stop_all()
        sink.__exit__(None, None, None)


def due_patients(n: int) -> list:
    """Patients due all day today (00:00 UTC), email only."""
    return [
        make_patient("UTC", dt.time(0, 0), device=False, remind_by_push=False) for _ in range(n)
    ]


def wait_until(condition, timeout: float, every: float = 0.2, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return condition()


def all_sent(n: int):
    return lambda: Delivery.objects.filter(status="sent").count() >= n


def beat_tick():
    """What a beat tick does: plan (and sweep abandoned rows), enqueue the sending."""
    reminders_plan(enqueue=enqueue_sending)


def report(name: str, inbox: CountingInbox, patients: list) -> None:
    emails = {p.user.email for p in patients}
    lost = len(emails - set(inbox.by_recipient))
    print(f"\n{name}: {len(patients)} due, {inbox.total} emails, {inbox.duplicates()} duplicates,"
          f" {lost} lost, {len(inbox.by_message_id)} distinct Message-IDs")  # fmt: skip
    assert lost == 0
    assert len(inbox.by_message_id) == len(patients)  # a repeat carries the same Message-ID


@pytest.mark.parametrize("victim", ["worker", "pool children"])
def test_sigkill_mid_chunk_repeats_at_most_the_messages_in_flight(rig, queues, victim):
    send_queue, _ = queues
    inbox, processes = rig(delay=0.05)
    patients = due_patients(PATIENTS)
    worker = processes.worker(send_queue)
    plan = reminders_plan(enqueue=enqueue_sending)
    assert len(plan.pending_ids) == PATIENTS

    assert wait_until(lambda: inbox.total >= PATIENTS * KILL_AT, timeout=60, every=0.02)
    if victim == "worker":
        processes.kill_group(worker)
        killed = PROCESSES
        processes.worker(send_queue)
    else:
        children = processes.children(worker)
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        killed = len(children)
    # Beat keeps ticking; rows the dead left `sending` come back once their lease expired.
    assert wait_until(all_sent(PATIENTS), timeout=120, every=1.0, tick=beat_tick)
    report(f"SIGKILL {victim}", inbox, patients)
    assert inbox.duplicates() <= killed * CONCURRENCY


def test_two_commands_and_a_worker_with_a_chunk_outlasting_its_lease_send_each_row_once(
    rig, queues
):
    """Each command sends the whole plan as one chunk that takes longer than the lease,
    while beat ticks hand anything that looks abandoned to a worker."""
    send_queue, _ = queues
    inbox, processes = rig(delay=0.08)
    n = min(PATIENTS, 1000)
    patients = due_patients(n)
    processes.worker(send_queue)
    chunk_env = {"REMINDER_SEND_CHUNK": str(n), "REMINDER_SEND_CONCURRENCY": "2"}
    commands = [processes.command("send_reminders", **chunk_env) for _ in range(2)]
    # Beat starts ticking once a command holds the plan as its one chunk.
    assert wait_until(lambda: Delivery.objects.filter(status="sending").exists(), timeout=90)
    # ~n * 0.08 s / 2 in flight = 9.6 s per chunk at 240 (the default): past the 6 s lease.
    assert wait_until(all_sent(n), timeout=120, every=0.5, tick=beat_tick)
    for command in commands:
        assert command.wait(60) == 0, Path(command.log_path).read_text()
    report("two send_reminders + worker", inbox, patients)
    assert inbox.duplicates() == 0
    email_rows = Delivery.objects.filter(channel="email", local_date=dt.datetime.now(dt.UTC).date())
    assert set(email_rows.values_list("status", "attempts", "skip_reason")) == {("sent", 1, "")}


def test_a_backlog_of_sending_does_not_hold_back_the_planning_tick(rig, queues, settings):
    from config.celery import app

    send_queue, plan_queue = queues
    _, processes = rig(delay=0.2)
    settings.REMINDER_SEND_CHUNK = 5
    due_patients(60)
    processes.worker(send_queue, processes=1, REMINDER_SEND_CONCURRENCY="1")
    processes.worker(plan_queue, processes=1)
    backlog = reminders_plan(enqueue=enqueue_sending).pending_ids  # ~12 s of sending
    [late] = due_patients(1)

    entry = app.conf.beat_schedule["plan-reminders"]
    app.send_task(entry["task"], queue=plan_queue, **entry["options"])
    planned = wait_until(lambda: Delivery.objects.filter(patient=late).exists(), timeout=20)
    open_rows = Delivery.objects.filter(pk__in=backlog, status__in=["pending", "sending"]).count()
    assert planned
    assert open_rows > 0  # the tick ran while the backlog was still there
