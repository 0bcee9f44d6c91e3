"""Sign-in throttles as production runs them: two gunicorn workers (with threads)
on production settings, counting in Redis, answering over real sockets.

Different client addresses come from different loopback source addresses
(127.0.0.0/8 is all loopback on Linux), so the server sees a real REMOTE_ADDR each.
Rates are per day so that a slow machine never straddles a window boundary.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from patients.services.invites import activation_code_issue
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent
PORTS = range(18310, 18330)
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18310-18329")


@contextmanager
def gunicorn(tmp_path, **rates: str):
    """Two production workers on this test's database and Redis, until the block ends."""
    db = connection.settings_dict
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "live-throttle-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "HEP_VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        **rates,
    }
    log = (tmp_path / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--preload",  # import the app once, then fork the two workers
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        while healthz(port) != 200:
            assert process.poll() is None, (tmp_path / f"gunicorn-{port}.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def healthz(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def post(port: int, path: str, body: dict, source: str = "127.0.0.1", forwarded_for: str = ""):
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180, source_address=(source, 0))
    try:
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def login(port, email, password="wrong password", **kwargs):
    return post(port, "/api/v1/auth/login", {"email": email, "password": password}, **kwargs)[0]


def activate(port, code, **kwargs):
    body = {"code": code, "password": "a long and unusual passphrase 42"}
    return post(port, "/api/v1/auth/activate", body, **kwargs)[0]


def test_a_forged_x_forwarded_for_does_not_escape_the_address_limits(tmp_path):
    with gunicorn(tmp_path, LOGIN_THROTTLE_RATE="5/day", ACTIVATE_THROTTLE_RATE="5/day") as port:
        logins = [
            login(port, f"nobody{n}@example.com", forwarded_for=f"203.0.113.{n}") for n in range(8)
        ]
        codes = [activate(port, f"WRONG{n:03d}", forwarded_for=f"198.51.100.{n}") for n in range(8)]
    assert logins == [401] * 5 + [429] * 3
    assert codes == [400] * 5 + [429] * 3


def test_failed_activations_are_limited_across_all_client_addresses(tmp_path):
    with gunicorn(
        tmp_path, ACTIVATE_THROTTLE_RATE="3/day", ACTIVATE_FAILURE_THROTTLE_RATE="6/day"
    ) as port:
        answers = [
            activate(port, f"WRONG{n:03d}", source=f"127.0.{n}.{n + 2}")
            for n in range(10)  # ten addresses, each well under its own limit
        ]
    assert answers == [400] * 6 + [429] * 4


def test_concurrent_wrong_passwords_for_one_email_stop_exactly_at_the_limit(tmp_path):
    patient = factories.PatientFactory()
    with (
        gunicorn(tmp_path, LOGIN_THROTTLE_RATE="5/day") as port,
        ThreadPoolExecutor(24) as pool,
    ):
        answers = list(
            pool.map(
                lambda n: login(port, patient.user.email, source=f"127.1.0.{n + 2}"), range(24)
            )
        )
    assert sorted(answers) == [401] * 5 + [429] * 19


def test_concurrent_requests_from_one_address_stop_exactly_at_the_limit(tmp_path):
    with (
        gunicorn(tmp_path, LOGIN_THROTTLE_RATE="5/day") as port,
        ThreadPoolExecutor(24) as pool,
    ):
        answers = list(pool.map(lambda n: login(port, f"guess{n}@example.com"), range(24)))
    assert sorted(answers) == [401] * 5 + [429] * 19


def test_a_successful_login_gives_its_place_back_and_a_valid_code_works(tmp_path):
    patient = factories.PatientFactory()
    # The server hashes with production's PBKDF2; the test settings use MD5.
    patient.user.password = PBKDF2PasswordHasher().encode("right password", "salt1234", 1000)
    patient.user.save(update_fields=["password"])
    invited = factories.PatientFactory()
    invited.user.set_unusable_password()
    invited.user.save()
    code = activation_code_issue(patient=invited)
    with gunicorn(
        tmp_path, LOGIN_THROTTLE_RATE="3/day", ACTIVATE_FAILURE_THROTTLE_RATE="2/day"
    ) as port:
        email = patient.user.email
        answers = [login(port, email, "right password", source=f"127.2.0.{n}") for n in (1, 2)]
        answers += [login(port, email, source=f"127.2.1.{n}") for n in range(1, 5)]
        activations = [activate(port, "WRONG001"), activate(port, code), activate(port, "WRONG2")]
        activations.append(activate(port, "WRONG3"))
    assert answers == [200, 200, 401, 401, 401, 429]
    assert activations == [400, 200, 400, 429]
