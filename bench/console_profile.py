"""Where the time of the console_pages requests goes, in process: the WSGI handler
called directly (no socket, no gunicorn) with the production settings on the data
`console_pages` seeds (a clinic of 2,000 patients, 90 days of logs).

    python -m bench.console_profile [--requests 100] [--profile list|page|list_api|page_api]

Prints, per path, CPU and wall milliseconds per request (best of 3 batches) and SQL
statements per request; `--sql` lists the statements of each console page once;
`--profile PATH` adds a table of where that path's time goes (session and user,
second factor, each selector and presenter, template rendering, each SQL statement;
timers around the calls, so the figures are the real ones, not cProfile's) and the
page template's top-level nodes by render time; `--cprofile` adds a cProfile. Not a benchmark (no reference, no verdict): it says where one's time goes.
"""

import argparse
import cProfile
import datetime as dt
import io
import pstats
import sys
import time

from bench import harness
from bench.today_profile import RoundTrips

# (label, module, attribute path): wrapped with a timer (CPU and wall time of the
# calls, nested calls included), in the namespace the caller looks the name up in.
SECTIONS = [
    ("session load (cache)", "django.contrib.sessions.backends.cached_db", "SessionStore.load"),
    ("request.user (session user)", "django.contrib.auth", "get_user"),
    ("  the user statement", "patients.backends", "session_user"),
    ("OTP: device of the session", "django_otp.middleware", "OTPMiddleware._verify_user_sync"),
    ("two-factor gate", "config.web.middleware", "second_factor_needed"),
    ("console access (clinician)", "config.web.access", "request_clinician"),
    ("list view get (all below)", "programs.web.patients", "PatientListView.get"),
    ("  list: count + page of patients", "django.core.paginator", "Paginator.get_page"),
    ("  list: patient_rows", "programs.web.patients", "patient_rows"),
    ("    patients_with_activity", "programs.selectors.console", "patients_with_activity"),
    ("    last_7_days_rates", "programs.selectors.console", "last_7_days_rates"),
    ("    remote_monitoring", "programs.selectors.console", "remote_monitoring"),
    ("  list: patient_rows_html", "programs.web.patients", "patient_rows_html"),
    ("  list: render", "programs.web.patients", "render"),
    ("page view get (all below)", "notifications.web.patient", "PatientPageView.get"),
    ("  page: patient of the clinic", "notifications.web.patient", "clinic_patient_with_devices"),
    ("  page: patient_programs", "notifications.web.patient", "patient_programs"),
    ("  page: adherence_report", "notifications.web.patient", "adherence_report"),
    ("  page: calendar_days", "notifications.web.patient", "calendar_days"),
    ("  page: pain_chart", "notifications.web.patient", "pain_chart"),
    ("  page: recent_logs", "notifications.web.patient", "recent_logs"),
    ("  page: patient_alerts", "notifications.web.patient", "patient_alerts"),
    ("  page: outcomes_summary", "notifications.web.patient", "outcomes_summary"),
    ("  page: last_deliveries", "notifications.web.patient", "last_deliveries"),
    ("  page: calendar_cells_html", "notifications.web.patient", "calendar_cells_html"),
    ("  page: day_rows_html", "notifications.web.patient", "day_rows_html"),
    ("  page: pain_rows_html + dots", "notifications.web.patient", "pain_rows_html"),
    ("  page: pain_dots_html", "notifications.web.patient", "pain_dots_html"),
    ("  page: log_rows_html", "notifications.web.patient", "log_rows_html"),
    ("  page: render", "notifications.web.patient", "render"),
    ("audit insert", "config.web.access", "ClinicianPageMixin.audit"),
]


class Sections:
    """CPU and wall time spent in each SECTIONS entry, and per SQL statement."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self.sql: dict[str, list[float]] = {}
        self.on = False

    def install(self) -> None:
        import importlib

        from django.db import connection

        for label, module_name, attr in SECTIONS:
            module = importlib.import_module(module_name)
            owner, _, name = attr.rpartition(".")
            target = getattr(module, owner) if owner else module
            original = target.__dict__[name] if owner else getattr(module, name)
            if isinstance(original, staticmethod):
                wrapped = staticmethod(self._timer(label, original.__func__))
            else:
                wrapped = self._timer(label, original)
            setattr(target, name, wrapped)

        def timed_sql(execute, sql, params, many, context):
            if not self.on:
                return execute(sql, params, many, context)
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                key = " ".join(sql.split())[:110]
                self.sql.setdefault(key, []).append(time.perf_counter() - start)

        connection.execute_wrappers.append(timed_sql)

    def _timer(self, label, fn):
        sections = self

        def timed(*args, **kwargs):
            if not sections.on:
                return fn(*args, **kwargs)
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                sections.cpu[label] = sections.cpu.get(label, 0) + time.thread_time() - cpu
                sections.wall[label] = sections.wall.get(label, 0) + time.perf_counter() - wall

        return timed

    def report(self, count: int) -> None:
        print(f"   {'section':44} {'CPU ms':>7} {'wall ms':>8}")
        for label, *_ in SECTIONS:
            if label in self.cpu:
                cpu, wall = self.cpu[label] / count * 1e3, self.wall[label] / count * 1e3
                print(f"   {label:44} {cpu:7.2f} {wall:8.2f}")
        total = sum(sum(times) for times in self.sql.values()) / count * 1e3
        print(f"   SQL, {len(self.sql)} statements, wall ms per request: {total:.2f}")
        for key, times in sorted(self.sql.items(), key=lambda kv: -sum(kv[1])):
            print(f"     {sum(times) / count * 1e3:6.2f}  {key}")
        self.cpu.clear()
        self.wall.clear()
        self.sql.clear()


def environ(path: str, header: tuple[str, str]) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        header[0]: header[1],
    }


def call(app, path: str, header: tuple[str, str]) -> bytes:
    status = []
    body = b"".join(app(environ(path, header), lambda s, h, exc_info=None: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path} answered {status[0]}: {body[:300]!r}")
    return body


def per_request(app, path: str, header, count: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per request, each the best of three batches. CPU is this
    thread's (PostgreSQL's share is in the wall time only)."""
    best_cpu = best_wall = float("inf")
    for _ in range(3):
        cpu = time.thread_time()
        wall = time.perf_counter()
        for _ in range(count):
            call(app, path, header)
        best_cpu = min(best_cpu, (time.thread_time() - cpu) / count * 1e3)
        best_wall = min(best_wall, (time.perf_counter() - wall) / count * 1e3)
    return best_cpu, best_wall


class TemplateCapture:
    """Keeps the last page template rendered and its context, to time its nodes."""

    def __init__(self) -> None:
        self.last = None

    def install(self) -> None:
        from django.template.backends.django import Template

        original = Template.render
        capture = self

        def render(template, context=None, request=None):
            if capture.last is None or capture.last[0] is not template:
                capture.last = (template, context, request)
            return original(template, context, request)

        Template.render = render


def template_nodes(capture: TemplateCapture, count: int) -> list[tuple[float, str]]:
    """ms per render of each top-level node of the page's content block."""
    from django.template.context import make_context
    from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, ExtendsNode

    backend_template, context, request = capture.last
    template = backend_template.template
    extends = next(n for n in template.nodelist if isinstance(n, ExtendsNode))
    nodes = extends.blocks["content"].nodelist
    rows = []
    for node in nodes:
        ctx = make_context(context, request, autoescape=True)
        with ctx.render_context.push_state(template), ctx.bind_template(template):
            ctx.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
            node.render_annotated(ctx)  # warm
            start = time.thread_time()
            for _ in range(count):
                node.render_annotated(ctx)
            elapsed = (time.thread_time() - start) / count * 1e3
        source = " ".join(str(node.token.contents if node.token else node).split())[:70]
        line = node.token.lineno if node.token else "?"
        rows.append((elapsed, f"line {line}: {source}"))
    whole = make_context(context, request, autoescape=True)
    start = time.thread_time()
    for _ in range(count):
        backend_template.render(context, request)
    rows.append(((time.thread_time() - start) / count * 1e3, "the whole template"))
    del whole
    return sorted(rows, reverse=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_profile")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--profile", choices=["list", "page", "list_api", "page_api"], action="append", default=[]
    )
    parser.add_argument("--sql", action="store_true", help="list each console page's SQL")
    parser.add_argument("--cprofile", action="store_true", help="add a cProfile of each path")
    args = parser.parse_args(argv)
    return harness.run("console_profile", lambda: _run(args))


def _run(args) -> int:
    with harness.bench_database("console_profile") as env:
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from bench import clinic_report, console_pages, seed
        from patients.models import Patient
        from patients.timezones import local_today

        call_command("collectstatic", interactive=False, verbosity=0)
        harness.progress(f"seeding as console_pages does ({args.patients:,} patients)")
        clinic, clinician, _ = clinic_report._seed(args.patients)
        token = ("HTTP_AUTHORIZATION", f"Token {seed.knox_token(clinician.user)}")
        browser = Client()
        browser.force_login(clinician.user)
        cookie = ("HTTP_COOKIE", f"sessionid={browser.cookies['sessionid'].value}")
        patient = Patient.objects.filter(clinic=clinic).order_by("id")[7]
        today = local_today(patient.timezone)
        start = today - dt.timedelta(days=89)
        paths = {
            "list": (console_pages.LIST_PATH, cookie),
            "list_api": (console_pages.LIST_API, token),
            "page": (f"/clinic/patients/{patient.pk}/", cookie),
            "page_api": (f"/api/v1/patients/{patient.pk}/adherence?from={start}&to={today}", token),
        }
        app = WSGIHandler()
        trips = RoundTrips()
        trips.install()
        capture = TemplateCapture()
        capture.install()
        n = args.requests
        print(f"\n== per request ({n} x 3 batches, best batch), {env['DATABASE_URL']}")
        print(f"{'path':9} {'CPU ms':>7} {'wall ms':>8} {'SQL':>5}")
        for name, (path, header) in paths.items():
            per_request(app, path, header, max(5, n // 10))  # warm
            trips.sql = 0
            for _ in range(10):
                call(app, path, header)
            sql = trips.sql / 10
            cpu, wall = per_request(app, path, header, n)
            print(f"{name:9} {cpu:7.2f} {wall:8.2f} {sql:5.1f}", flush=True)

        if args.sql:
            statements = []
            connection.execute_wrappers.append(
                lambda execute, sql, params, many, context: (
                    statements.append(sql),
                    execute(sql, params, many, context),
                )[1]
            )
            for name in ("list", "page"):
                statements.clear()
                call(app, *paths[name])
                print(f"\n== SQL of {name} ({len(statements)} statements)")
                for sql in statements:
                    print(f"   {sql[:160]}")
            connection.execute_wrappers.pop()

        sections = Sections()
        sections.install()
        for name in args.profile:
            path, header = paths[name]
            capture.last = None
            sections.on = True
            for _ in range(n):
                call(app, path, header)
            sections.on = False
            print(f"\n== where the time of {name} goes (ms per request, {n} requests)")
            sections.report(n)
            if not name.endswith("_api") and capture.last is not None:
                print(f"\n== {name}: template nodes of the content block (CPU ms per render)")
                for value, source in template_nodes(capture, n)[:15]:
                    print(f"   {value:7.3f}  {source}")
            if args.cprofile:
                profiler = cProfile.Profile(time.thread_time)
                profiler.enable()
                for _ in range(n):
                    call(app, path, header)
                profiler.disable()
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("tottime").print_stats(35)
                print(f"\n== cProfile of {name} ({n} requests; times are totals)")
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
