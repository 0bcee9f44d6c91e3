"""fhir_export: GET /api/v1/fhir/Patient/{id}/$everything for a patient with 90 days
of logs, against the JSON of /api/v1/patients/{id}/adherence for the same 90 days, in
the same run (in-process client, token auth, production settings). The two are
checked to agree (each logged day's scheduled/done). Target: ratio <= 3."""

import argparse
import datetime as dt
import random

from bench import harness

TARGET = 3.0
DAYS = 90


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench fhir_export")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="requests per timing")
    args = parser.parse_args(argv)
    return harness.run("fhir_export", lambda: _run(args))


def _seed():
    """One patient with two programs of 6 lines (one twice a day, one Mon/Wed/Fri),
    90 days of logs at 80% adherence with pain on about half, plus 50 other patients
    of the clinic with logs of their own."""
    from bench import seed

    rng = random.Random(14)
    exercises = seed.seed_exercises(12)
    clinic, clinician = seed.seed_clinic("FHIR Clinic")
    main_patient = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=1, exercise_ids=exercises,
        tag="fhir", programs=2, items_per_program=6,
        days_mask=lambda k: 0b0010101 if k == 3 else 0b1111111,
        times_per_day=lambda k: 2 if k == 0 else 1,
    )  # fmt: skip
    logs = seed.seed_logs(
        main_patient,
        days=DAYS,
        done=lambda pid, day, item: sum(rng.random() < 0.8 for _ in range(item.times_per_day)),
        rng=rng,
    )
    others = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=50, exercise_ids=exercises,
        tag="other", items_per_program=4,
    )  # fmt: skip
    seed.seed_logs(others, days=DAYS, done=lambda pid, day, item: 1, rng=rng)
    harness.analyze()
    return clinician, main_patient.patient_ids[0], logs


def _run(args) -> int:
    with harness.bench_database("fhir_export"):
        harness.require_url("/api/v1/fhir/metadata", "the FHIR endpoints")
        from django.test import Client
        from django.utils import timezone

        from bench import seed
        from patients.timezones import local_today

        harness.progress("seeding one patient with 90 days of logs")
        clinician, patient_id, log_count = _seed()
        client = Client(HTTP_AUTHORIZATION=f"Token {seed.knox_token(clinician.user)}")
        today = local_today("Europe/London", timezone.now())
        start = today - dt.timedelta(days=DAYS - 1)
        everything = f"/api/v1/fhir/Patient/{patient_id}/$everything"
        adherence = f"/api/v1/patients/{patient_id}/adherence?from={start}&to={today}"
        state: dict = {}

        def fetch(url: str, key: str) -> float:
            def many():
                for _ in range(args.repeat):
                    response = client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}: {response.status_code}")
                state[key] = response

            return harness.timed(many) / args.repeat

        def subject() -> float:
            return fetch(everything, "bundle")

        def reference() -> float:
            return fetch(adherence, "adherence")

        subject(), reference()  # warm-up, and the agreement check
        counts = _check(state["bundle"].json(), state["adherence"].json())
        harness.progress(f"Bundle and adherence agree on {counts['days']} logged days")
        subject_s, reference_s = harness.interleave(subject, reference, rounds=args.rounds)
        comparison = harness.Comparison(
            title="$everything vs /adherence (90 days)",
            subject="GET /api/v1/fhir/Patient/{id}/$everything: "
            f"{counts['entries']} resources, {len(state['bundle'].content):,} bytes",
            reference=f"GET /api/v1/patients/{{id}}/adherence for the same 90 days, "
            f"{len(state['adherence'].content):,} bytes",
            unit="seconds per request",
            subject_values=subject_s,
            reference_values=reference_s,
            target=TARGET,
            at_least=False,
        )
        notes = [
            f"{log_count:,} logs over {DAYS} days for the patient; resource counts: "
            + ", ".join(f"{name} {n}" for name, n in sorted(counts["types"].items()))
        ]
        return harness.report("fhir_export", [comparison], notes)


def _check(bundle: dict, adherence: dict) -> dict:
    days = {day["date"]: day for day in adherence["days"]}
    types: dict[str, int] = {}
    checked = 0
    for entry in bundle["entry"]:
        resource = entry["resource"]
        types[resource["resourceType"]] = types.get(resource["resourceType"], 0) + 1
        if resource["resourceType"] != "Observation":
            continue
        if resource["code"]["coding"][0]["code"] != "73985-4":
            continue
        date = resource["id"].rsplit("-", 3)[-3:]
        day = days.get("-".join(date))
        if day is None:
            continue  # a logged day outside the 90 days
        values = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in resource["component"]}
        if values != {"scheduled": day["scheduled"], "done": day["done"]}:
            raise RuntimeError(f"{day['date']}: Bundle {values}, adherence {day}")
        checked += 1
    if not checked:
        raise RuntimeError("no logged day to compare")
    return {"days": checked, "entries": len(bundle["entry"]), "types": types}
