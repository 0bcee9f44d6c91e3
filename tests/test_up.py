"""Smoke test of `manage.py up` as a new user runs it: fresh SQLite, no services."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 240  # a first run also collects the static files (DEBUG is off)
STOP_TIMEOUT = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthz(port: int) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


@pytest.mark.slow
def test_up_starts_on_a_fresh_sqlite_database_answers_healthz_and_stops_cleanly(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["HEP_VAR_DIR"] = str(tmp_path / "var")
    port = free_port()
    log = tmp_path / "up.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                if healthz(port) == 200 and "Press Ctrl-C to stop." in log.read_text():
                    break
                time.sleep(0.5)
            assert healthz(port) == 200, log.read_text()[-3000:]
            output = log.read_text()
            assert "SQLite file" in output
            assert "/api/docs/" in output and "/admin/" in output
            assert "clinician@demo.hep.example" in output
            assert (
                f"open http://127.0.0.1:{port}/app/ and sign in as maya@demo.hep.example" in output
            )
            app = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            app.request("GET", "/app/today?date=2026-12-01")
            assert app.getresponse().status == 200
            app.close()
            assert (tmp_path / "var" / "hep.sqlite3").exists()

            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            assert process.wait(timeout=STOP_TIMEOUT) == 0, log.read_text()[-3000:]
        finally:
            if process.poll() is None:
                process.kill()
    assert "Stopped." in log.read_text()
    assert healthz(port) is None  # the web server is gone too


def up_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["HEP_VAR_DIR"] = str(tmp_path / "var")
    env.update(extra)
    return env


def run_up(env, *args, timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "manage.py", "up", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return finished, time.monotonic() - started


@pytest.mark.slow
def test_a_closed_terminal_sighup_stops_everything_and_a_4xx_is_logged_once(tmp_path):
    port = free_port()
    log = tmp_path / "up.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--port", str(port)],
            cwd=ROOT,
            env=up_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                # The banner can come before gunicorn's worker has booted.
                if healthz(port) == 200 and "Press Ctrl-C to stop." in log.read_text():
                    break
                time.sleep(0.5)
            assert healthz(port) == 200, log.read_text()[-3000:]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/me/no-such-page")
            assert connection.getresponse().status == 404
            connection.close()
            time.sleep(1)  # let the web server's log line reach the file

            process.send_signal(signal.SIGHUP)  # what a closing terminal sends
            assert process.wait(timeout=STOP_TIMEOUT) == 0, log.read_text()[-3000:]
        finally:
            if process.poll() is None:
                process.kill()
    output = log.read_text()
    assert "Stopped." in output
    assert healthz(port) is None  # gunicorn went with it
    assert output.count("/api/v1/me/no-such-page") == 1, output[-3000:]


@pytest.mark.slow
def test_a_dead_broker_is_named_and_up_exits_at_once(tmp_path):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    port = free_port()
    finished, seconds = run_up(
        up_env(tmp_path, REDIS_URL=dead), "--port", str(port), timeout=START_TIMEOUT
    )
    assert finished.returncode != 0
    assert f"The Celery broker at {dead} does not answer" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert "did not answer /healthz" not in finished.stderr
    assert "Database migrated" not in finished.stdout  # stopped before doing any work
    assert seconds < 60, seconds
    assert healthz(port) is None


@pytest.mark.slow
@pytest.mark.postgres
def test_a_missing_postgresql_database_is_one_clear_line(tmp_path):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    missing = f"{base}/hep_up_test_no_such_database"
    finished, _ = run_up(up_env(tmp_path, DATABASE_URL=missing), timeout=START_TIMEOUT)
    assert finished.returncode != 0
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert 'database "hep_up_test_no_such_database" does not exist' in lines[0]
    assert "createdb hep_up_test_no_such_database" in lines[0]
