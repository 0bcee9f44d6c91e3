"""`manage.py up`: everything a new user needs, in one command.

Checks that the database and the broker answer (one clear line and exit if not),
migrates, loads the exercise library, optionally creates demo data, then runs the
web server (gunicorn), a Celery worker and Celery beat as child processes until
Ctrl-C, SIGTERM or SIGHUP (the terminal closed), and stops all of them cleanly.
"""

import http.client
import ipaddress
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from config.health import check_broker

STOP_TIMEOUT_SECONDS = 15
READY_TIMEOUT_SECONDS = 60


def exposure_warning(host: str) -> str | None:
    """A warning when `host` is reachable from other machines, else None."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"Warning: serving on {host}, reachable from other machines. The embedded run is "
        "meant for one computer: it has no HTTPS, and its demo logins are public. Put it "
        "behind HTTPS (or use the production settings) before real patients use it; "
        "requests by this machine's address also need it in ALLOWED_HOSTS."
    )


class Command(BaseCommand):
    help = "Set up the database and run the web server, a Celery worker and beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--demo", action="store_true", help="Create a demo clinic, clinician and patients."
        )
        parser.add_argument(
            "--web-only", action="store_true", help="Run the web server without worker and beat."
        )

    def handle(self, *args, host, port, demo, web_only, **options):
        warning = exposure_warning(host)
        if warning:
            self.stderr.write(self.style.WARNING(warning))
        self.check_database()
        self.check_broker()  # the web server needs it too: /healthz and enqueued work
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable")  # sign-in throttles without Redis count there
        self.stdout.write("Database migrated: " + self.describe_database())
        call_command("load_library", stdout=self.stdout)
        logins = None
        if demo:
            from programs.demo import demo_create

            logins = demo_create()
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)

        # Links in emails point at this server unless a public address is configured.
        os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
        children = self.start_children(host, port, web_only)
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        # The children run in sessions of their own, so a closed terminal's SIGHUP
        # reaches only this command: it must stop them as Ctrl-C does.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, request_stop)
        try:
            base = f"http://{host}:{port}"
            if not self.wait_until_ready(host, port, children, lambda: stopping):
                if not stopping:
                    raise CommandError("The web server did not answer /healthz; see the log above.")
            else:
                self.print_banner(base, logins, web_only)
            while not stopping:
                for name, process in children.items():
                    if process.poll() is not None:
                        raise CommandError(
                            f"{name} stopped unexpectedly (exit code {process.returncode})."
                        )
                time.sleep(0.3)
        finally:
            self.stop_children(children)
        self.stdout.write("Stopped.")

    def check_database(self) -> None:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            hint = ""
            if "does not exist" in reason:
                hint = f" Create it first: createdb {connection.settings_dict.get('NAME')}."
            raise CommandError(
                f"Cannot open the {self.describe_database()}: {reason}.{hint}"
            ) from exc

    def check_broker(self) -> None:
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        try:
            check_broker()
        except Exception as exc:  # any failure to reach the broker ends `up` here
            raise CommandError(
                f"The Celery broker at {broker} does not answer ({type(exc).__name__}: {exc}). "
                "Start it, or unset REDIS_URL and CELERY_BROKER_URL for the embedded broker."
            ) from exc

    def describe_database(self) -> str:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            return f"SQLite file {db['NAME']}"
        return f"PostgreSQL database {db.get('NAME')} on {db.get('HOST') or 'localhost'}"

    def start_children(self, host: str, port: int, web_only: bool) -> dict[str, subprocess.Popen]:
        python = sys.executable
        commands = {
            "web server": [
                python,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                # No access log: Django already logs every 4xx and 5xx once (with
                # its path); an access line as well would log each of them twice.
            ],
        }
        if not web_only:
            commands["worker"] = [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-l",
                "INFO",
                "-P",
                "threads",
                "-c",
                "4",
            ]
            commands["beat"] = [
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "INFO",
                "-s",
                settings.CELERY_BEAT_SCHEDULE_FILE,
            ]
        children = {}
        for name, command in commands.items():
            # Own process groups: Ctrl-C reaches this command, which then stops
            # the children in order instead of all of them racing at once.
            children[name] = subprocess.Popen(
                command, cwd=settings.BASE_DIR, start_new_session=True
            )
        return children

    def wait_until_ready(self, host: str, port: int, children, stopping) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not stopping():
            if any(process.poll() is not None for process in children.values()):
                return False
            connection = http.client.HTTPConnection(host, port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.3)
        return False

    def print_banner(self, base: str, logins, web_only: bool) -> None:
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        lines = [
            "",
            "Home exercise program backend is running.",
            f"  Console:   {base}/clinic/  (clinicians sign in here)",
            f"  API docs:  {base}/api/docs/",
            f"  Schema:    {base}/api/schema/",
            f"  Admin:     {base}/admin/",
            f"  Patient app: {base}/app/",
            f"  Health:    {base}/healthz",
            f"  Worker and beat: {'not started (--web-only)' if web_only else 'running, broker ' + broker}",
        ]
        if logins is not None:
            lines += [
                "Demo logins (password for all: " + logins.password + "):",
                f"  clinician (console {base}/clinic/, admin and API): {logins.clinician}",
                *[f"  patient ({zone}): {email}" for email, zone in logins.patients],
                f"Patient app: open {base}/app/ and sign in as {logins.patients[0][0]} "
                f"with password {logins.password}",
            ]
        else:
            lines.append(
                "No demo data: run with --demo, or create a clinician with manage.py createclinician."
            )
        lines += ["Press Ctrl-C to stop.", ""]
        self.stdout.write("\n".join(lines))

    def stop_children(self, children: dict[str, subprocess.Popen]) -> None:
        for process in children.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for name, process in children.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
