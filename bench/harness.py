"""What every benchmark shares: a throw-away PostgreSQL database, Django set up with
the production settings against it, interleaved rounds, the report and exit codes.

Exit codes: 0 PASS, 1 FAIL, 2 SKIP (the subject does not exist yet) or error.
"""

import contextlib
import datetime as dt
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var" / "bench"  # logs and scratch files of the runs (HEP_VAR_DIR too)
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "hep_bench")
EXIT_PASS, EXIT_FAIL, EXIT_SKIP = 0, 1, 2
_started = time.monotonic()


class Skip(Exception):
    """The subject of a benchmark is missing: say what, exit 2."""


def progress(message: str) -> None:
    print(f"  [{time.monotonic() - _started:7.1f}s] {message}", flush=True)


# --- database lifecycle ----------------------------------------------------------


def _url_with_db(url: str, dbname: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


class BenchDatabase:
    """A database of its own, created empty and dropped at the end, whatever happens."""

    def __init__(self, name: str) -> None:
        # BENCH_DB_NAME: a database name of the caller's own (on a shared server).
        self.name = os.environ.get("BENCH_DB_NAME") or f"{DB_PREFIX}_{name}_{os.getpid()}"
        self.url = _url_with_db(PG_ADMIN_URL, self.name)

    def _admin(self):
        return psycopg.connect(PG_ADMIN_URL, autocommit=True)

    def create(self) -> "BenchDatabase":
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_redis_db() -> int:
    """A Redis database number nobody is using (8..15), for a broker of our own;
    BENCH_REDIS_DB names one instead (it is flushed at the end)."""
    import redis

    if os.environ.get("BENCH_REDIS_DB"):
        return int(os.environ["BENCH_REDIS_DB"])

    for number in range(15, 7, -1):
        client = redis.Redis.from_url(f"{REDIS_BASE_URL}/{number}")
        if client.dbsize() == 0:
            return number
    raise RuntimeError("no empty Redis database among 8..15")


def flush_redis_db(number: int) -> None:
    import redis

    redis.Redis.from_url(f"{REDIS_BASE_URL}/{number}").flushdb()


# --- Django ------------------------------------------------------------------------


def bench_env(db_url: str, redis_db: int, **extra: str) -> dict[str, str]:
    """The environment of the production settings on loopback (no TLS in front); they
    refuse to start without Redis."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": db_url,
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "HEP_VAR_DIR": str(VAR_DIR),
        "REMINDER_CHANNELS": "locmem",
        "REDIS_URL": f"{REDIS_BASE_URL}/{redis_db}",
        "CELERY_BROKER_URL": f"{REDIS_BASE_URL}/{redis_db}",
    }
    env.update(extra)
    return env


def setup_django(db_url: str, redis_db: int, **extra: str) -> dict[str, str]:
    """Point this process at the bench database with the production settings, migrate."""
    env = bench_env(db_url, redis_db, **extra)
    os.environ.update(env)
    os.environ["BENCH_SECRET_KEY"] = env["SECRET_KEY"]
    import django
    from django.core.management import call_command

    django.setup()
    progress("migrating the bench database")
    call_command("migrate", verbosity=0, interactive=False)
    return env


def url_resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def require_url(path: str, what: str) -> None:
    if not url_resolves(path):
        raise Skip(f"{what} ({path} is not routed yet)")


def require_attr(module: str, names: Sequence[str], what: str):
    """The first of `names` that `module` defines, or Skip naming what is missing."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise Skip(f"{what} ({module} does not import: {exc})") from exc
    for name in names:
        if hasattr(mod, name):
            return getattr(mod, name)
    raise Skip(f"{what} ({module} has none of {', '.join(names)})")


# --- fast seeding ------------------------------------------------------------------


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows into a model's table (explicit ids allowed); returns the row count."""
    from django.db import connection

    table = model._meta.db_table
    cols = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def sql(query: str, params: Sequence | dict | None = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def require_same(what: str, product: Collection, reference: Collection) -> None:
    """Stop the run unless the product and the reference gave the same result: no
    timing counts before they agree. The error names a few rows found by one only."""
    if product == reference:
        return
    ours, theirs = set(product), set(reference)
    raise RuntimeError(
        f"{what} differ: product {len(product):,}, reference {len(reference):,}; "
        f"only product e.g. {sorted(ours - theirs)[:3]}, "
        f"only reference e.g. {sorted(theirs - ours)[:3]}"
    )


# --- processes ---------------------------------------------------------------------


def free_port() -> int:
    """A free loopback port: any, or the first free one of BENCH_PORTS ("18500-18599")
    on a machine where each user keeps to a range."""
    low, _, high = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(low), int(high or low) + 1) if low else [0]
    for candidate in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def wait_http(port: int, path: str = "/healthz", timeout: float = 180.0) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer within {timeout}s")


# gunicorn's master pid by port, so the load generator can spread its connections
# evenly over the workers (bench.loadgen --server-pid).
SERVER_PIDS: dict[int, int] = {}


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, threads: int = 4, worker_class="gthread"):
    """gunicorn with the bench settings (production + a bench URLconf) on a free port;
    `worker_class` "sync" runs one request at a time per worker, without keep-alive."""
    port = free_port()
    log = open(VAR_DIR / f"gunicorn-{os.getpid()}.log", "w")  # noqa: SIM115
    cmd = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", worker_class, "--keep-alive", "30", "--log-level", "warning",
        "--preload",
    ]  # fmt: skip
    if worker_class == "gthread":
        cmd += ["--threads", str(threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
    try:
        wait_http(port)
        _wait_workers(proc.pid, workers)
        SERVER_PIDS[port] = proc.pid
        yield port
    finally:
        SERVER_PIDS.pop(port, None)
        stop_process(proc)
        log.close()


def _wait_workers(master: int, count: int, timeout: float = 30.0) -> None:
    """Until all `count` workers have booted (the first answer comes from the first)."""
    from bench.loadgen import worker_pids

    deadline = time.monotonic() + timeout
    while len(worker_pids(master)) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- rounds and the report -------------------------------------------------------------


def interleave(
    subject: Callable[[], float],
    reference: Callable[[], float],
    rounds: int = 5,
    before_each: Callable[[], None] | None = None,
    label: str = "",
) -> tuple[list[float], list[float]]:
    """Run subject and reference alternately (A B A B ...); each returns its figure."""
    subject_values, reference_values = [], []
    for number in range(1, rounds + 1):
        for fn, values in ((subject, subject_values), (reference, reference_values)):
            if before_each:
                before_each()
            values.append(fn())
        progress(
            f"{label}round {number}/{rounds}: subject {subject_values[-1]:.4g}, "
            f"reference {reference_values[-1]:.4g}"
        )
    return subject_values, reference_values


@dataclass
class Comparison:
    """One ratio with its target: `higher_is_better` says which way the target points."""

    title: str
    subject: str
    reference: str
    unit: str
    subject_values: list[float]
    reference_values: list[float]
    target: float
    at_least: bool  # PASS when ratio >= target (else ratio <= target)
    exact: bool = False  # PASS only when ratio == target
    ratio_note: str = "subject / reference"
    ratios: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.ratios:
            self.ratios = [
                s / r if r else float("inf")
                for s, r in zip(self.subject_values, self.reference_values, strict=True)
            ]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def passed(self) -> bool:
        if self.exact:
            return all(ratio == self.target for ratio in self.ratios)
        return self.median >= self.target if self.at_least else self.median <= self.target


def fmt(value: float) -> str:
    if value == float("inf"):
        return "inf"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def report(name: str, comparisons: Sequence[Comparison], notes: Sequence[str] = ()) -> int:
    print()
    print(f"== {name} ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")
    for note in notes:
        print(f"   {note}")
    all_passed = True
    for c in comparisons:
        verdict = "PASS" if c.passed else "FAIL"
        all_passed &= c.passed
        sign = "==" if c.exact else ">=" if c.at_least else "<="
        print(f"-- {c.title}")
        print(f"   subject:   {c.subject}")
        print(f"              {c.unit}: " + ", ".join(fmt(v) for v in c.subject_values))
        print(f"              median {fmt(statistics.median(c.subject_values))} {c.unit}")
        print(f"   reference: {c.reference}")
        print(f"              {c.unit}: " + ", ".join(fmt(v) for v in c.reference_values))
        print(f"              median {fmt(statistics.median(c.reference_values))} {c.unit}")
        print(
            f"   ratio ({c.ratio_note}): median {fmt(c.median)}, min {fmt(min(c.ratios))}, "
            f"max {fmt(max(c.ratios))} over {len(c.ratios)} rounds; target {sign} "
            f"{fmt(c.target)}: {verdict}"
        )
        print(
            f"RESULT {name} | {c.title} | median {fmt(c.median)} | min {fmt(min(c.ratios))} "
            f"| max {fmt(max(c.ratios))} | target {sign} {fmt(c.target)} | {verdict}",
            flush=True,
        )
    return EXIT_PASS if all_passed else EXIT_FAIL


def run(name: str, body: Callable[[], int]) -> int:
    """Run one benchmark's body, turning Skip into exit code 2 with a clear line."""
    print(f"== {name}: starting", flush=True)
    try:
        return body()
    except Skip as exc:
        print(f"SKIP: {name}: {exc}", flush=True)
        print(f"RESULT {name} | - | - | - | - | - | SKIP: {exc}", flush=True)
        return EXIT_SKIP
    except Exception as exc:  # a broken subject or seed is reported, never a PASS
        import traceback

        traceback.print_exc()
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        print(f"RESULT {name} | - | - | - | - | - | ERROR: {message}", flush=True)
        return EXIT_SKIP


@contextlib.contextmanager
def scratch_file(stem: str):
    """A path under VAR_DIR named for this process (`<stem>-<pid>.json`), removed at the end."""
    path = VAR_DIR / f"{stem}-{os.getpid()}.json"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@contextlib.contextmanager
def bench_database(name: str, **extra: str):
    """Create the bench database and pick a Redis DB, set Django up, drop at the end.

    Yields the environment a child process (gunicorn, a Celery worker) needs."""
    db = BenchDatabase(name).create()
    redis_db = free_redis_db()
    progress(f"database {db.name}, Redis DB {redis_db}")
    try:
        env = setup_django(db.url, redis_db, **extra)
        yield env
    finally:
        db.drop()
        flush_redis_db(redis_db)
        progress(f"dropped {db.name}")


def loadgen(mode: str, port: int, *args: str) -> dict:
    """Run bench.loadgen in its own process (the load never shares the server's)."""
    import json

    out = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", mode, "--port", str(port), *args],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"load generator failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


# The answers of each gunicorn worker in every measure_rps, in order: (path, counts).
WORKER_COUNTS: list[tuple[str, list[int]]] = []


def worker_spread_notes() -> list[str]:
    """One line per path: the busiest worker's share of the answers over its
    measurements (an even spread over two workers is 50%)."""
    shares: dict[str, list[float]] = {}
    for path, counts in WORKER_COUNTS:
        if len(counts) > 1 and sum(counts):
            shares.setdefault(path, []).append(max(counts) / sum(counts))
    return [
        f"{path}: busiest worker's share of the answers {min(v):.0%}-{max(v):.0%} "
        f"over {len(v)} measurements (connections spread evenly over the workers)"
        for path, v in shares.items()
    ]


def load_average() -> str:
    try:
        with open("/proc/loadavg") as stat:
            return " ".join(stat.read().split()[:3])
    except OSError:
        return "-"


def measure_rps(port: int, path: str, headers: Sequence[str] = (), **opts) -> float:
    """Requests/s of GET `path`; on a gunicorn of `gunicorn()`, with the connections
    spread evenly over its workers (see bench.loadgen), every path alike."""
    args = ["--path", path]
    for header in headers:
        args += ["--header", header]
    if port in SERVER_PIDS:
        args += ["--server-pid", str(SERVER_PIDS[port])]
    for key, value in opts.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = loadgen("rate", port, *args)
    bad = {code: n for code, n in result["statuses"].items() if code != "200"}
    if bad or not result["requests"]:
        raise RuntimeError(f"{path} answered {result['statuses']}; expected only 200s")
    if "per_worker" in result:
        WORKER_COUNTS.append((path, result["per_worker"]))
        balance = result["balance"]
        if len(set(result["connections_per_worker"])) > 1 and balance["reconnects"]:
            progress(f"{path}: connections not spread evenly: {result}")
    return result["rps"]
