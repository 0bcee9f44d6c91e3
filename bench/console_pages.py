"""console_pages: requests/s of two clinician console pages under gunicorn with the
production settings, each against the API endpoint that returns the same data, in
the same run: the patient list (a page of 50 in a clinic of 2,000 patients with 90
days of logs) against GET /api/v1/patients?page_size=50, and one patient's page (90
days) against GET /api/v1/patients/{id}/adherence over the same 90 days.
Target: each page within 2x of its API twin (ratio of requests/s >= 0.5)."""

import argparse
import datetime as dt

from bench import harness

TARGET = 0.5
LIST_PATH = "/clinic/patients/"
LIST_API = "/api/v1/patients?page_size=50"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench console_pages")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    return harness.run("console_pages", lambda: _run(args))


def _run(args) -> int:
    with harness.bench_database("console_pages") as env:
        harness.require_url(LIST_PATH, "the console's patient list")
        from django.core.management import call_command
        from django.test import Client

        # The production settings serve hashed static files from a manifest.
        call_command("collectstatic", interactive=False, verbosity=0)

        from bench import clinic_report, seed
        from patients.models import Patient
        from patients.timezones import local_today

        harness.progress(f"seeding a clinic of {args.patients:,} patients with 90 days of logs")
        clinic, clinician, log_count = clinic_report._seed(args.patients)
        token = f"Authorization: Token {seed.knox_token(clinician.user)}"
        browser = Client()
        browser.force_login(clinician.user)
        cookie = f"Cookie: sessionid={browser.cookies['sessionid'].value}"
        patient = Patient.objects.filter(clinic=clinic).order_by("id")[7]  # a seeded one
        today = local_today(patient.timezone)
        start = today - dt.timedelta(days=89)
        page_path = f"/clinic/patients/{patient.pk}/"
        page_api = f"/api/v1/patients/{patient.pk}/adherence?from={start}&to={today}"
        for path in (LIST_PATH, page_path):
            response = browser.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        harness.progress(f"starting gunicorn ({args.workers} workers x {args.threads} threads)")
        comparisons = []
        with harness.gunicorn(env, workers=args.workers, threads=args.threads) as port:
            opts = {"concurrency": args.concurrency}

            def rps(path, header):
                return harness.measure_rps(
                    port, path, [header], warmup=0.5, duration=args.duration, **opts
                )

            for title, subject_path, api_path in (
                ("patient list page vs GET /patients", LIST_PATH, LIST_API),
                ("patient page vs GET /patients/{id}/adherence", page_path, page_api),
            ):
                harness.progress(f"warm-up: {subject_path} and {api_path}")
                rps(subject_path, cookie)
                rps(api_path, token)
                subject, reference = harness.interleave(
                    lambda p=subject_path: rps(p, cookie),
                    lambda p=api_path: rps(p, token),
                    rounds=args.rounds,
                    label=f"{title}: ",
                )
                comparisons.append(
                    harness.Comparison(
                        title=title,
                        subject=f"GET {subject_path} (session cookie, full HTML page)",
                        reference=f"GET {api_path} (knox token, JSON)",
                        unit="requests/s",
                        subject_values=subject,
                        reference_values=reference,
                        target=TARGET,
                        at_least=True,
                    )
                )
        notes = [
            f"{args.patients:,} patients, {log_count:,} logs over 90 days, 5 time zones",
            f"gunicorn gthread {args.workers}x{args.threads}, production settings, DEBUG off; "
            f"load: bench.loadgen, {args.concurrency} keep-alive connections, "
            f"{args.duration:g} s per round after 0.5 s warm-up",
        ]
        return harness.report("console_pages", comparisons, notes)
