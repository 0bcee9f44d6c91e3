"""query_scaling: SQL queries per request for /me/today, /me/days (92 days),
/patients (a page of 100) and /patients/{id}/adherence (90 days) with 1x and 50x the
rows behind them (items, logs, patients on the page). Target: equal counts."""

import argparse
import datetime as dt

from bench import harness


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench query_scaling")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    return harness.run("query_scaling", lambda: _run(args))


def _world(scale: int, exercises: list[int]):
    """A clinic whose patient list, and whose first patient's history, grow with `scale`:
    1x = 2 patients on the page, 2 items; 50x = 100 patients, 100 items (10 programs),
    50 times the logs. Both have a paused stretch, a mid-course edit and open alerts."""
    from bench import seed
    from programs.models import Alert, ProgramItem, ProgramPause

    clinic, clinician = seed.seed_clinic(f"Scale {scale}x Clinic")
    programs, items = (1, 2) if scale == 1 else (10, 10)
    main_patient = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=1, exercise_ids=exercises,
        tag=f"s{scale}main", programs=programs, items_per_program=items,
        times_per_day=lambda k: 2 if k == 0 else 1,
        days_mask=lambda k: 0b1111111 if k % 2 else 0b0011111,
    )  # fmt: skip
    seed.seed_logs(
        main_patient, days=100, done=lambda p, day, item: (day.toordinal() + item.id) % 3
    )
    others = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=2 * scale - 1,
        exercise_ids=exercises, tag=f"s{scale}other", programs=1, items_per_program=2,
    )  # fmt: skip
    seed.seed_logs(others, days=10, done=lambda p, day, item: 1)
    today = dt.date.today()
    patient_id = main_patient.patient_ids[0]
    # A mid-course edit: the first item of every program was retired 20 days ago and
    # replaced by a new version of the same line; a week's pause 40 days ago.
    new_rows = []
    for item in main_patient.items_of[patient_id]:
        if item.id == min(
            i.id for i in main_patient.items_of[patient_id] if i.program_id == item.program_id
        ):
            row = ProgramItem.objects.get(pk=item.id)
            ProgramItem.objects.filter(pk=item.id).update(valid_until=today - dt.timedelta(days=20))
            row.pk, row.valid_from, row.valid_until, row.reps, row.version = (
                None, today - dt.timedelta(days=20), None, 15, 2
            )  # fmt: skip
            new_rows.append(row)
    ProgramItem.objects.bulk_create(new_rows)
    program_ids = {item.program_id for item in main_patient.items_of[patient_id]}
    ProgramPause.objects.bulk_create(
        ProgramPause(program_id=pid, start=today - dt.timedelta(days=40), end=today - dt.timedelta(days=33))
        for pid in program_ids
    )  # fmt: skip
    all_ids = main_patient.patient_ids + others.patient_ids
    Alert.objects.bulk_create(
        Alert(clinic=clinic, patient_id=pid, kind=Alert.Kind.HIGH_PAIN, date=today, detail={"pain": 8})
        for pid in all_ids[::2]
    )  # fmt: skip
    return clinician, main_patient, patient_id


def _run(args) -> int:
    with harness.bench_database("query_scaling"):
        for path in (
            "/api/v1/me/today",
            "/api/v1/me/days",
            "/api/v1/patients",
            "/api/v1/patients/1/adherence",
        ):
            harness.require_url(path, "the patient and clinician APIs")
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench import seed
        from patients.models import Patient

        harness.progress("seeding the 1x and 50x worlds")
        exercises = seed.seed_exercises(12)
        worlds = {scale: _world(scale, exercises) for scale in (1, 50)}
        harness.analyze()

        clients = {}
        for scale, (clinician, _, patient_id) in worlds.items():
            patient = Patient.objects.select_related("user").get(pk=patient_id)
            clients[scale] = {
                "patient": Client(HTTP_AUTHORIZATION=f"Token {seed.knox_token(patient.user)}"),
                "clinician": Client(HTTP_AUTHORIZATION=f"Token {seed.knox_token(clinician.user)}"),
                "patient_id": patient_id,
            }
        today = dt.date.today()
        endpoints = {
            "/me/today": ("patient", lambda pid: "/api/v1/me/today"),
            "/me/days (92 days)": (
                "patient",
                lambda pid: f"/api/v1/me/days?from={today - dt.timedelta(days=91)}&to={today}",
            ),
            "/patients (page of 100)": ("clinician", lambda pid: "/api/v1/patients?page_size=100"),
            "/patients/{id}/adherence (90 days)": (
                "clinician",
                lambda pid: (
                    f"/api/v1/patients/{pid}/adherence"
                    f"?from={today - dt.timedelta(days=89)}&to={today}"
                ),
            ),
        }
        captured: dict = {}
        rows: dict = {}

        def count(scale: int, label: str) -> float:
            role, url = endpoints[label]
            client = clients[scale][role]
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url(clients[scale]["patient_id"]))
            if response.status_code != 200:
                raise RuntimeError(f"{label} at {scale}x answered {response.status_code}: "
                                   f"{response.content[:300]!r}")  # fmt: skip
            captured[(scale, label)] = [q["sql"] for q in queries.captured_queries]
            rows[(scale, label)] = _rows_in(response.json())
            return float(len(queries))

        for label in endpoints:  # warm-up: token refresh, caches, content types
            count(1, label), count(50, label)
        for label in endpoints:
            if rows[(50, label)] <= rows[(1, label)]:
                raise RuntimeError(f"{label}: 50x answered {rows[(50, label)]} rows, "
                                   f"1x {rows[(1, label)]}: the seed does not scale")  # fmt: skip
        comparisons = []
        notes = ["rows in the answers (1x -> 50x): " + ", ".join(
            f"{label} {rows[(1, label)]} -> {rows[(50, label)]}" for label in endpoints
        )]  # fmt: skip
        for label in endpoints:
            big, small = harness.interleave(
                lambda label=label: count(50, label),
                lambda label=label: count(1, label),
                rounds=args.rounds,
                label=f"{label}: ",
            )
            comparisons.append(
                harness.Comparison(
                    title=f"queries for {label}, 50x / 1x",
                    subject=f"GET {label} with 50x the rows",
                    reference=f"GET {label} with 1x the rows",
                    unit="queries",
                    subject_values=big,
                    reference_values=small,
                    target=1.0,
                    at_least=False,
                    exact=True,
                    ratio_note="50x / 1x",
                )
            )
            if big != small:
                extra = [q for q in captured[(50, label)] if q not in captured[(1, label)]]
                notes.append(f"{label}: queries at 50x not at 1x (first 3):")
                notes.extend(f"    {q[:300]}" for q in extra[:3])
        return harness.report("query_scaling", comparisons, notes)


def _rows_in(body) -> int:
    """A size for an answer: items of /me/today, patients of a page, days x work else."""
    if isinstance(body, dict) and "programs" in body:
        return sum(len(program["items"]) for program in body["programs"])
    if isinstance(body, dict) and "results" in body:
        return len(body["results"])
    days = body if isinstance(body, list) else body.get("days", [])
    return sum(int(day.get("scheduled") or 0) + int(day.get("done") or 0) for day in days)
