"""`manage.py up`: everything a new user needs, in one command.

Migrates, loads the exercise library, optionally creates demo data, then runs the
web server (gunicorn), a Celery worker and Celery beat as child processes until
Ctrl-C (or SIGTERM), and stops all of them cleanly.
"""

import http.client
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT_SECONDS = 15
READY_TIMEOUT_SECONDS = 60


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
        call_command("migrate", interactive=False, verbosity=0)
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

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
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
                "--access-logfile",
                "-",
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
                f"  clinician (admin and API): {logins.clinician}",
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
