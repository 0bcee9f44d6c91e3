"""Where the time of one today_api request goes, in process: the WSGI handler called
directly (no socket, no gunicorn) with the production settings against the same
seeded database and Redis as `today_api`.

    python -m bench.today_profile [--requests 3000] [--profile floor|today|edit|bare]
        [--paths bare,floor,today,edit] [--no-middleware-table]

Prints, per path, CPU microseconds per request (best of 3 batches): this process's
and, beside it, the PostgreSQL backend's serving this process's connection (read
from /proc, so where the server runs on another host or /proc is closed it shows
"-"): planning and executing a statement costs the server CPU that the client's
thread time never shows, and on a shared machine the server's CPU is the web
workers' too. Then PostgreSQL and Redis round trips per request, and the cost of
the middleware stack (the same paths with MIDDLEWARE = []). `--profile PATH` adds a cProfile of that path, top
functions by their own time. Not a benchmark (no reference, no verdict): it says
where a benchmark's time goes.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time

from bench import harness

PATHS = {
    "bare": "/bench/bare-json",
    "floor": "/api/v1/_bench/authenticated-json",
    "today": "/api/v1/me/today",
    "edit": "/api/v1/_bench/today-after-edit",
}


class RoundTrips:
    """Counts PostgreSQL statements and Redis commands sent by this process."""

    def __init__(self) -> None:
        self.sql = 0
        self.redis = 0

    def install(self) -> None:
        import redis.connection
        from django.db import connection

        def count_sql(execute, sql, params, many, context):
            self.sql += 1
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(count_sql)
        original = redis.connection.AbstractConnection.send_packed_command

        def send(conn, command, check_health=True):
            self.redis += 1
            return original(conn, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send


def environ(path: str, token: str | None) -> dict:
    import sys as _sys

    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": _sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if token:
        env["HTTP_AUTHORIZATION"] = f"Token {token}"
    return env


def call(app, path: str, token: str | None) -> bytes:
    status = []
    body = b"".join(app(environ(path, token), lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path} answered {status[0]}: {body[:300]!r}")
    return body


def backend_cpu_ns() -> int | None:
    """CPU nanoseconds used so far by the PostgreSQL backend of this thread's
    connection (the first field of /proc/<pid>/schedstat), or None if unreadable."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/schedstat") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def per_request(app, name: str, token: str, count: int, before=None) -> tuple[float, float | None]:
    """CPU microseconds per request: this thread's CPU time (which other processes'
    load disturbs far less than wall time) and the PostgreSQL backend's (None when
    unreadable), from the batch of three with the lowest sum."""
    best: tuple[float, float | None] = (float("inf"), None)
    path = PATHS[name]
    for _ in range(3):
        elapsed = 0.0
        server_start = backend_cpu_ns()
        for _ in range(count):
            if before:
                before()
            start = time.thread_time()
            call(app, path, token if name != "bare" else None)
            elapsed += time.thread_time() - start
        server_end = backend_cpu_ns()
        client = elapsed / count * 1e6
        server = None
        if server_start is not None and server_end is not None:
            server = (server_end - server_start) / count / 1e3
        if client + (server or 0) < best[0] + (best[1] or 0):
            best = (client, server)
    return best


# (label, file substring, function name): cumulative time of each, per request.
COMPONENTS = [
    ("WSGI handler, whole request", "handlers/wsgi.py", "__call__"),
    ("  request object + response start", "handlers/wsgi.py", "__init__"),
    ("  URL resolve", "handlers/base.py", "resolve_request"),
    ("  MiddlewareMixin process_request (all)", "deprecation.py", "__call__"),
    ("  security process_request", "middleware/security.py", "process_request"),
    ("  security process_response", "middleware/security.py", "process_response"),
    ("  whitenoise __call__ (incl. inner)", "whitenoise/middleware.py", "__call__"),
    ("  session process_response", "sessions/middleware.py", "process_response"),
    ("  common process_request", "middleware/common.py", "process_request"),
    ("  common process_response", "middleware/common.py", "process_response"),
    ("  csrf process_request", "middleware/csrf.py", "process_request"),
    ("  csrf process_view", "middleware/csrf.py", "process_view"),
    ("  csrf process_response", "middleware/csrf.py", "process_response"),
    ("  auth process_request", "auth/middleware.py", "process_request"),
    ("  otp __call__ (incl. inner)", "django_otp/middleware.py", "__call__"),
    ("  messages process_request", "messages/middleware.py", "process_request"),
    ("  messages process_response", "messages/middleware.py", "process_response"),
    ("  clickjacking process_response", "middleware/clickjacking.py", "process_response"),
    ("  api no-store add_never_cache_headers", "utils/cache.py", "add_never_cache_headers"),
    ("  csp process_response", "csp/middleware.py", "process_response"),
    ("  csp process_request", "csp/middleware.py", "process_request"),
    ("  htmx __call__ (incl. inner)", "django_htmx/middleware.py", "__call__"),
    ("  axes __call__ (incl. inner)", "axes/middleware.py", "__call__"),
    ("  view (csrf_exempt wrapper)", "views/decorators/csrf.py", "_view_wrapper"),
    ("    DRF dispatch", "rest_framework/views.py", "dispatch"),
    ("      initialize_request", "rest_framework/views.py", "initialize_request"),
    (
        "      initial (negotiation, auth, permissions, throttles)",
        "rest_framework/views.py",
        "initial",
    ),
    ("        content negotiation", "rest_framework/views.py", "perform_content_negotiation"),
    ("        authentication", "rest_framework/request.py", "_authenticate"),
    ("          token statement (execute + fetch)", "patients/auth.py", "_token_rows"),
    ("          token statement, before the cache", "patients/auth.py", "_tokens_with_users"),
    ("          cached token rows read", "patients/token_cache.py", "token_rows_cached"),
    ("          token instances built", "patients/auth.py", "_token_with_user"),
    ("          hash_token", "knox/crypto.py", "hash_token"),
    ("          renew_token", "knox/auth.py", "renew_token"),
    ("        permissions", "rest_framework/views.py", "check_permissions"),
    ("        throttles", "rest_framework/views.py", "check_throttles"),
    ("      handler (the view's get)", "me_views.py", "get"),
    ("        today cache read", "today_cache.py", "today_body_cached"),
    ("        Django cache get_many", "django/core/cache/backends/redis.py", "get_many"),
    ("        routine statement + dicts", "patient_day.py", "patient_routine"),
    ("        JSON render", "rest_framework/renderers.py", "render"),
    ("        JSON render (orjson)", "config/api/renderers.py", "json_bytes"),
    ("      finalize_response", "rest_framework/views.py", "finalize_response"),
    ("  signals request_started/finished", "dispatch/dispatcher.py", "send"),
    ("  close_old_connections", "db/__init__.py", "close_old_connections"),
    ("  logging (log_response)", "utils/log.py", "log_response"),
]


def components(stats: pstats.Stats, count: int) -> list[tuple[str, float]]:
    rows = []
    for label, filename, function in COMPONENTS:
        total = sum(
            value[3]
            for (file, _, func), value in stats.stats.items()
            if func == function and filename in file
        )
        if total:
            rows.append((label, total / count * 1e6))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.today_profile")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", choices=sorted(PATHS), action="append", default=[])
    parser.add_argument("--no-middleware-table", action="store_true")
    parser.add_argument(
        "--paths", default=",".join(PATHS), help=f"comma-separated, of {', '.join(PATHS)}"
    )
    args = parser.parse_args(argv)
    return harness.run("today_profile", lambda: _run(args))


def _run(args) -> int:
    from bench import today_api

    with harness.bench_database("today_profile") as env:
        import os

        from django.core.handlers.wsgi import WSGIHandler
        from django.test.utils import override_settings

        from bench import seed
        from patients.models import User

        harness.progress("seeding as today_api does")
        pop = today_api._seed()
        user = User.objects.get(pk=pop.user_ids[0])
        token = seed.knox_token(user)
        app = WSGIHandler()
        body = call(app, PATHS["today"], token)
        with harness.scratch_file("today-body") as body_file:
            body_file.write_bytes(body)
            os.environ["BENCH_REFERENCE_BODY"] = str(body_file)
            import importlib

            import bench.urls

            importlib.reload(bench.urls)
            from django.urls import clear_url_caches

            clear_url_caches()
        app = WSGIHandler()
        trips = RoundTrips()
        trips.install()
        befores = {}
        n = args.requests
        print(f"\n== per request ({n} x 3 batches, best batch), env {env['DATABASE_URL']}")
        print(f"{'path':6} {'us/req':>8} {'PG us':>6} {'SQL':>5} {'Redis':>6}")
        results = {}
        names = [name for name in args.paths.split(",") if name in PATHS]
        for name in names:
            per_request(app, name, token, max(50, n // 10), befores.get(name))  # warm
            sql = rds = 0
            for _ in range(100):
                if name in befores:
                    befores[name]()
                trips.sql = trips.redis = 0
                call(app, PATHS[name], token if name != "bare" else None)
                sql, rds = sql + trips.sql / 100, rds + trips.redis / 100
            results[name], server = per_request(app, name, token, n, befores.get(name))
            server_text = "-" if server is None else f"{server:.0f}"
            print(
                f"{name:6} {results[name]:8.0f} {server_text:>6} {sql:5.2f} {rds:6.2f}", flush=True
            )

        if not args.no_middleware_table:
            with override_settings(MIDDLEWARE=[]):
                without = WSGIHandler()
                row = [
                    results[name] - per_request(without, name, token, n, befores.get(name))[0]
                    for name in names
                ]
            print("\n== the middleware stack's cost (us/req saved with MIDDLEWARE = [])")
            print(" ".join(f"{name}={value:.0f}" for name, value in zip(names, row, strict=True)))

        for name in args.profile:
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            for _ in range(n):
                if name in befores:
                    befores[name]()
                call(app, PATHS[name], token if name != "bare" else None)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            print(f"\n== components of {name} (cumulative CPU us per request)")
            for label, value in components(stats, n):
                print(f"   {label:58} {value:7.0f}")
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(60)
            print(f"\n== cProfile of {name} ({n} requests; times are totals)")
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
