"""today_api: requests/s of GET /api/v1/me/today (2 programs, 12 items, token auth)
under gunicorn with the production settings, against a bare Django view on the same
server answering a prebuilt body of the same bytes. Target: ratio >= 0.5. In the
same rounds: the DRF + token floor (>= 0.6) and the first read after an edit
(>= 0.3), each against the same bare view."""

import argparse

from bench import harness

TARGET = 0.5
PATH = "/api/v1/me/today"
REFERENCE_PATH = "/bench/bare-json"
FLOOR_PATH = "/api/v1/_bench/authenticated-json"
AFTER_EDIT_PATH = "/api/v1/_bench/today-after-edit"
# Context rows, each against the same run's bare view (the targets).
FLOOR_TARGET = 0.6
AFTER_EDIT_TARGET = 0.3


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench today_api")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    args = parser.parse_args(argv)
    return harness.run("today_api", lambda: _run(args))


def _seed():
    from bench import seed
    from programs.models import EVERY_DAY

    exercises = seed.seed_exercises(12)
    clinic, clinician = seed.seed_clinic("Today Clinic")
    # The measured patient plus others around them, so indexes matter.
    pop = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=300, exercise_ids=exercises,
        tag="today", programs=2, items_per_program=6,
        days_mask=lambda k: EVERY_DAY,
        times_per_day=lambda k: 2 if k == 0 else 1,
    )  # fmt: skip
    # 60 days of history, today half done.
    seed.seed_logs(pop, days=60, done=lambda p, day, item: 1 if item.id % 2 else 0)
    harness.analyze()
    return pop


def _run(args) -> int:
    # Redis as in production: the shared cache (token throttles, today's body).
    with harness.bench_database("today_api") as env:
        harness.require_url(PATH, "the patient API's GET /api/v1/me/today")
        from django.test import Client

        from bench import seed
        from patients.models import User

        harness.progress("seeding 300 patients with 2 programs of 6 items and 60 days of logs")
        pop = _seed()
        user = User.objects.get(pk=pop.user_ids[0])
        token = seed.knox_token(user)
        auth = f"Authorization: Token {token}"

        response = Client().get(PATH, HTTP_AUTHORIZATION=f"Token {token}")
        if response.status_code != 200:
            raise RuntimeError(f"{PATH} answered {response.status_code}: {response.content[:500]}")
        body = response.content
        payload = response.json()
        items = sum(len(p["items"]) for p in payload["programs"])
        if len(payload["programs"]) != 2 or items != 12:
            raise RuntimeError(f"expected 2 programs / 12 items today, got {body[:300]!r}")
        with harness.scratch_file("today-body") as body_file:
            body_file.write_bytes(body)
            env = {**env, "BENCH_REFERENCE_BODY": str(body_file)}
            server = f"gthread {args.workers}x{args.threads}"
            if args.worker_class == "sync":
                server = f"sync x{args.workers}, no keep-alive"
            harness.progress(f"starting gunicorn ({server})")
            with harness.gunicorn(
                env, workers=args.workers, threads=args.threads, worker_class=args.worker_class
            ) as port:
                opts = {"concurrency": args.concurrency}
                harness.progress("warm-up: 3 s on each path")
                harness.measure_rps(port, PATH, [auth], warmup=1, duration=2, **opts)
                harness.measure_rps(port, REFERENCE_PATH, [], warmup=1, duration=2, **opts)
                harness.measure_rps(port, FLOOR_PATH, [auth], warmup=1, duration=2, **opts)
                harness.measure_rps(port, AFTER_EDIT_PATH, [auth], warmup=1, duration=2, **opts)
                floor, after_edit = [], []

                def rps(path):
                    return harness.measure_rps(
                        port, path, [auth], warmup=0.5, duration=args.duration, **opts
                    )

                def reference_then_floor():
                    value = rps(REFERENCE_PATH)
                    floor.append(rps(FLOOR_PATH))
                    after_edit.append(rps(AFTER_EDIT_PATH))
                    return value

                subject, reference = harness.interleave(
                    lambda: rps(PATH), reference_then_floor, rounds=args.rounds
                )
        comparison = harness.Comparison(
            title="GET /me/today vs bare JSON view",
            subject=f"GET {PATH} ({len(body)} bytes, 2 programs, 12 items, knox token)",
            reference=f"GET {REFERENCE_PATH}: prebuilt {len(body)}-byte JSON, same server",
            unit="requests/s",
            subject_values=subject,
            reference_values=reference,
            target=TARGET,
            at_least=True,
        )
        context = [
            harness.Comparison(
                title="DRF + token auth floor vs bare JSON view",
                subject=f"GET {FLOOR_PATH}: DRF, token auth and the patient permission "
                "answering the same prebuilt body, no query of its own",
                reference=f"GET {REFERENCE_PATH}, same rounds",
                unit="requests/s",
                subject_values=floor,
                reference_values=reference,
                target=FLOOR_TARGET,
                at_least=True,
            ),
            harness.Comparison(
                title="GET /me/today first read after an edit vs bare JSON view",
                subject=f"GET {AFTER_EDIT_PATH}: the patient's cached today made stale, "
                "then the real view (token, cache read, routine statement, render, cache write)",
                reference=f"GET {REFERENCE_PATH}, same rounds",
                unit="requests/s",
                subject_values=after_edit,
                reference_values=reference,
                target=AFTER_EDIT_TARGET,
                at_least=True,
            ),
        ]
        notes = [
            f"the bare view runs outside /api/v1/ (every middleware); {PATH} and the two "
            "context rows run under /api/v1/ (the API's middleware)",
            f"gunicorn {server}, production settings, DEBUG off, "
            f"CONN_MAX_AGE=600; load: bench.loadgen, {args.concurrency} keep-alive "
            f"connections, {args.duration:g} s per round after 0.5 s warm-up",
            *harness.worker_spread_notes(),
            f"load average at the end: {harness.load_average()}",
        ]
        return harness.report("today_api", [comparison, *context], notes)
