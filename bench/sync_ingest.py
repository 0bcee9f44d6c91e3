"""sync_ingest: POST /api/v1/me/logs, 500 logs per request, 20,000 logs of which half
are replays of earlier batches (10 patients, gunicorn with the production settings,
load from a second process), against bulk_create of the same rows in one process.
Target: ratio <= 3."""

import argparse
import datetime as dt
import json
import random
import uuid

from bench import harness

TARGET = 3.0
PATH = "/api/v1/me/logs"
BATCH = 500
LOG_SET_SQL = """
SELECT l.id, l.patient_id, l.item_id, l.program_version, l.date, l.completed, l.sets_done,
       l.reps_done, l.pain, l.difficulty, l.note, l.performed_at, s.patient_id, s.date
FROM programs_exerciselog l JOIN programs_session s ON s.id = l.session_id ORDER BY l.id
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sync_ingest")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight")
    args = parser.parse_args(argv)
    return harness.run("sync_ingest", lambda: _run(args))


def _logs_for(pop, patient_id: int, count: int, rng: random.Random) -> list[dict]:
    """`count` logs: every item twice a day (morning, evening) going back from yesterday."""
    from patients.timezones import local_today, zone

    tz = zone(pop.timezone_of[patient_id])
    day = local_today(pop.timezone_of[patient_id]) - dt.timedelta(days=1)
    logs = []
    while len(logs) < count:
        for item in pop.items_of[patient_id]:
            for hour in (8, 19):
                at = dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=tz)
                logs.append(
                    {
                        "id": str(uuid.uuid4()),
                        "item": item.id,
                        "date": day.isoformat(),
                        "completed": rng.random() < 0.95,
                        "sets_done": 2,
                        "reps_done": rng.choice((8, 10, 12)),
                        "pain": rng.choice((None, 0, 1, 2, 3, 4, 5)),
                        "difficulty": rng.randrange(3, 8),
                        "note": rng.choice(("", "", "felt tight on the left")),
                        "performed_at": at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                    }
                )
        day -= dt.timedelta(days=1)
    return logs[:count]


def _reference_insert(batches: list[tuple[int, list[dict]]]) -> None:
    """The same rows with bulk_create: sessions, their ids, logs (replays ignored)."""
    from django.db import transaction
    from django.utils.dateparse import parse_datetime

    from programs.models import ExerciseLog, Session

    with transaction.atomic():
        days = {(pid, log["date"]) for pid, logs in batches for log in logs}
        Session.objects.bulk_create(
            [Session(patient_id=pid, date=day) for pid, day in sorted(days)],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        session_of = {
            (pid, day.isoformat()): sid
            for sid, pid, day in Session.objects.filter(
                patient_id__in={pid for pid, _ in days}
            ).values_list("id", "patient_id", "date")
        }
        for pid, logs in batches:
            ExerciseLog.objects.bulk_create(
                [
                    ExerciseLog(
                        id=log["id"],
                        patient_id=pid,
                        session_id=session_of[(pid, log["date"])],
                        item_id=log["item"],
                        program_version=1,
                        date=log["date"],
                        completed=log["completed"],
                        sets_done=log["sets_done"],
                        reps_done=log["reps_done"],
                        pain=log["pain"],
                        difficulty=log["difficulty"],
                        note=log["note"],
                        performed_at=parse_datetime(log["performed_at"]),
                    )
                    for log in logs
                ],
                ignore_conflicts=True,
            )


def _run(args) -> int:
    with harness.bench_database("sync_ingest") as env:
        harness.require_url(PATH, "the patient API's POST /api/v1/me/logs")

        from bench import seed
        from patients.models import User

        harness.progress(f"seeding {args.patients} patients with 10 items each")
        exercises = seed.seed_exercises(12)
        clinic, clinician = seed.seed_clinic("Sync Clinic")
        pop = seed.seed_patients(
            clinic_id=clinic.pk, clinician_id=clinician.pk, count=args.patients,
            exercise_ids=exercises, tag="sync", items_per_program=10,
            times_per_day=lambda k: 2,
        )  # fmt: skip
        harness.analyze()
        rng = random.Random(11)
        per_patient = 10_000 // args.patients
        tokens, new_batches = {}, []
        for pid, uid in zip(pop.patient_ids, pop.user_ids, strict=True):
            tokens[pid] = seed.knox_token(User.objects.get(pk=uid))
            logs = _logs_for(pop, pid, per_patient, rng)
            new_batches += [(pid, logs[i : i + BATCH]) for i in range(0, len(logs), BATCH)]
        # New batches patient by patient in turn, then every batch sent again.
        per_batch = -(-per_patient // BATCH)
        order = sorted(range(len(new_batches)), key=lambda i: (i % per_batch, i // per_batch))
        new_batches = [new_batches[i] for i in order]
        batches = new_batches + new_batches
        total = sum(len(logs) for _, logs in batches)
        requests = [
            {"path": PATH, "token": tokens[pid], "body": {"logs": logs}} for pid, logs in batches
        ]

        def reset():
            harness.sql("TRUNCATE programs_exerciselog, programs_session, programs_alert")

        state: dict = {}

        def subject() -> float:
            result = harness.loadgen(
                "replay", port, "--requests", str(request_file),
                "--concurrency", str(args.concurrency),
            )  # fmt: skip
            for index, answer in enumerate(result["answers"]):
                body = json.loads(answer["body"])
                expected = (
                    (len(batches[index][1]), 0)
                    if index < len(new_batches)
                    else (0, len(batches[index][1]))
                )
                if answer["status"] != 200 or (body["created"], body["duplicates"]) != expected:
                    raise RuntimeError(
                        f"request {index}: {answer['status']} {answer['body'][:300]}"
                    )
            state["subject_rows"] = harness.sql(LOG_SET_SQL)
            return result["seconds"]

        def reference() -> float:
            seconds = harness.timed(lambda: _reference_insert(batches))
            state["reference_rows"] = harness.sql(LOG_SET_SQL)
            return seconds

        with (
            harness.scratch_file("sync") as request_file,
            harness.scratch_file("sync-warm") as warm,
            harness.gunicorn(env) as port,
        ):
            request_file.write_text(json.dumps(requests))
            harness.progress("warm-up: one new and one replayed batch, then reset")
            warm.write_text(json.dumps(requests[:1] * 2))
            harness.loadgen("replay", port, "--requests", str(warm), "--concurrency", "1")
            subject_s, reference_s = harness.interleave(
                subject, reference, rounds=args.rounds, before_each=reset
            )
        if state["subject_rows"] != state["reference_rows"]:
            raise RuntimeError("the API and bulk_create stored different rows")
        comparison = harness.Comparison(
            title="POST /me/logs vs bulk_create",
            subject=f"{len(batches)} x POST {PATH} ({BATCH} logs each, {total:,} logs, half replays)",
            reference=f"bulk_create of the same {total:,} log objects (+ sessions), ignore_conflicts",
            unit="seconds",
            subject_values=subject_s,
            reference_values=reference_s,
            target=TARGET,
            at_least=False,
        )
        notes = [
            f"{args.patients} patients, {len(state['subject_rows']):,} logs stored per run "
            f"(verified identical); gunicorn gthread 2x4, {args.concurrency} requests in flight",
        ]
        return harness.report("sync_ingest", [comparison], notes)
