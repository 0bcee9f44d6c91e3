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
            assert (tmp_path / "var" / "hep.sqlite3").exists()

            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
            assert process.wait(timeout=STOP_TIMEOUT) == 0, log.read_text()[-3000:]
        finally:
            if process.poll() is None:
                process.kill()
    assert "Stopped." in log.read_text()
    assert healthz(port) is None  # the web server is gone too
