"""suggestion_pass: the daily progression pass for 100,000 patients (3 lines each,
30 days of logs: comfortable, failed sets, painful, rising pain, sparse, hard, lines
swapped by hand), against one hand-written SQL aggregate that finds the same
candidate lines. Both are checked to find the same (program, line, kind) set first.
Target: ratio <= 3."""

import argparse
import datetime as dt
import itertools
import random
import uuid

from bench import harness

TARGET = 3.0
DAYS_OF_LOGS = 30

# The rules of programs.progression, for every line at once (defaults and stored
# rules alike): each line's scheduled dates in its 28-day lookback, the run under
# the current prescription, each session's logs judged against the dose in force.
REFERENCE_SQL = """
WITH pt AS MATERIALIZED (
    SELECT p.id, p.clinic_id, ((%(now)s::timestamptz AT TIME ZONE p.timezone)::date - 1) AS y
    FROM patients_patient p
    WHERE EXISTS (SELECT 1 FROM programs_program pr
                  WHERE pr.patient_id = p.id AND pr.status = 'active')
), line AS MATERIALIZED (
    SELECT c.program_id, c.key, pt.y, pr.end_date,
        GREATEST(pt.y - 27, pr.start_date) AS first_day,
        GREATEST(pr.start_date, COALESCE((
            SELECT max(o.valid_until) FROM programs_programitem o
            WHERE o.program_id = c.program_id AND o.key = c.key AND o.valid_until IS NOT NULL
              AND (o.exercise_id, o.sets, o.reps, o.hold_seconds, o.duration_seconds)
                  IS DISTINCT FROM (c.exercise_id, c.sets, c.reps, c.hold_seconds,
                                    c.duration_seconds)), pr.start_date)) AS since,
        COALESCE(rt.advance_complete, rc.advance_complete, 3) AS m,
        COALESCE(rt.advance_window, rc.advance_window, 4) AS n,
        COALESCE(rt.advance_max_pain, rc.advance_max_pain, 3) AS max_pain,
        COALESCE(rt.advance_max_difficulty, rc.advance_max_difficulty, 6) AS max_difficulty,
        COALESCE(rt.regress_pain, rc.regress_pain, 6) AS regress_pain,
        COALESCE(rt.regress_pain_rise, rc.regress_pain_rise, 2) AS rise
    FROM programs_programitem c
    JOIN programs_program pr ON pr.id = c.program_id AND pr.status = 'active'
    JOIN pt ON pt.id = pr.patient_id
    LEFT JOIN programs_progressionrule rt
        ON rt.clinic_id = pt.clinic_id AND rt.template_id = pr.template_id
    LEFT JOIN programs_progressionrule rc
        ON rc.clinic_id = pt.clinic_id AND rc.template_id IS NULL
    WHERE c.valid_until IS NULL
), days AS MATERIALIZED (
    SELECT line.program_id, line.key, g.d::date AS d, r.times_per_day,
        r.sets, r.reps, r.hold_seconds, r.duration_seconds, g.d::date >= line.since AS in_run
    FROM line
    JOIN programs_programitem r ON r.program_id = line.program_id AND r.key = line.key
    CROSS JOIN LATERAL generate_series(
        GREATEST(line.first_day, r.valid_from),
        LEAST(line.y, r.valid_until - 1, line.end_date), interval '1 day') AS g(d)
    WHERE r.days_mask & (1 << (extract(isodow FROM g.d)::int - 1)) <> 0
      AND NOT EXISTS (SELECT 1 FROM programs_programpause pp
                      WHERE pp.program_id = line.program_id AND pp.start <= g.d::date
                        AND (pp."end" IS NULL OR pp."end" > g.d::date))
), sess AS (
    SELECT days.program_id, days.key, days.d, days.in_run,
        count(l.id) FILTER (WHERE l.full) >= days.times_per_day AS complete,
        COALESCE(bool_or(NOT l.full), false) AS failed,
        max(l.pain) AS pain, max(l.difficulty) AS difficulty
    FROM days
    LEFT JOIN LATERAL (
        SELECT lg.id, lg.pain, lg.difficulty,
            lg.completed
            AND (days.sets IS NULL OR lg.sets_done IS NULL OR lg.sets_done >= days.sets)
            AND (days.reps IS NULL OR lg.reps_done IS NULL OR lg.reps_done >= days.reps)
            AND (days.hold_seconds IS NULL OR lg.hold_seconds_done IS NULL
                 OR lg.hold_seconds_done >= days.hold_seconds)
            AND (days.duration_seconds IS NULL OR lg.duration_seconds_done IS NULL
                 OR lg.duration_seconds_done >= days.duration_seconds) AS full
        FROM programs_programitem li
        JOIN programs_exerciselog lg ON lg.item_id = li.id AND lg.date = days.d
        WHERE li.program_id = days.program_id AND li.key = days.key
    ) l ON true
    GROUP BY days.program_id, days.key, days.d, days.in_run, days.times_per_day
), ranked AS (
    SELECT sess.*,
        row_number() OVER (PARTITION BY program_id, key, in_run ORDER BY d DESC) AS rn,
        row_number() OVER (PARTITION BY program_id, key, in_run, pain IS NULL
                           ORDER BY d DESC) AS prn
    FROM sess
), judged AS (
    SELECT line.program_id, line.key, line.m, line.n, line.max_pain, line.max_difficulty,
        line.rise,
        count(*) FILTER (WHERE r.in_run AND r.rn <= line.n) AS window_sessions,
        count(*) FILTER (WHERE r.in_run AND r.rn <= line.n AND r.complete) AS complete,
        COALESCE(bool_or(r.failed) FILTER (WHERE r.in_run AND r.rn <= line.n), false)
            AS failed,
        max(r.pain) FILTER (WHERE r.in_run AND r.rn <= line.n) AS worst_pain,
        max(r.difficulty) FILTER (WHERE r.in_run AND r.rn <= line.n) AS worst_difficulty,
        count(*) FILTER (WHERE r.in_run AND r.pain IS NOT NULL AND r.prn <= 2
                         AND r.pain >= line.regress_pain) AS painful_last_two,
        count(r.pain) FILTER (WHERE r.in_run AND r.d >= line.y - 6) AS recent_n,
        sum(r.pain) FILTER (WHERE r.in_run AND r.d >= line.y - 6) AS recent_sum,
        count(r.pain) FILTER (WHERE r.d BETWEEN line.y - 13 AND line.y - 7) AS before_n,
        sum(r.pain) FILTER (WHERE r.d BETWEEN line.y - 13 AND line.y - 7) AS before_sum
    FROM line JOIN ranked r ON r.program_id = line.program_id AND r.key = line.key
    GROUP BY line.program_id, line.key, line.m, line.n, line.max_pain, line.max_difficulty,
        line.rise
), verdict AS (
    SELECT program_id, key,
        painful_last_two = 2 OR (recent_n >= 2 AND before_n >= 1
            AND recent_sum * before_n - before_sum * recent_n >= rise * recent_n * before_n)
            AS regress,
        window_sessions >= n AND complete >= m AND NOT failed
            AND COALESCE(worst_pain, 0) <= max_pain
            AND COALESCE(worst_difficulty, 0) <= max_difficulty AS advance
    FROM judged
)
SELECT program_id, key, CASE WHEN regress THEN 'regress' ELSE 'advance' END
FROM verdict WHERE regress OR advance
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench suggestion_pass")
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    return harness.run("suggestion_pass", lambda: _run(args))


# Each line's story, by (patient index + line) % 10.
COMFORTABLE, FAILED_SETS, PAINFUL, RISING, SPARSE, HARD, SWAPPED = range(7)
STORY = (COMFORTABLE, COMFORTABLE, COMFORTABLE, FAILED_SETS, PAINFUL, RISING, SPARSE, HARD,
         SWAPPED, COMFORTABLE)  # fmt: skip
SWAP_DAYS_AGO = 3


def _log(story: int, back: int, rng: random.Random):
    """(completed, sets_done, pain, difficulty) of one log, or None for no log."""
    if (story == SPARSE and rng.random() < 0.7) or rng.random() < 0.08:
        return None
    sets, pain, difficulty = 2, rng.choice((None, 1, 2, 3)), rng.choice((3, 4, 5))
    if story == FAILED_SETS and rng.random() < 0.3:
        sets = 1
    if story == PAINFUL and back < 4:
        pain = rng.choice((6, 7, 8))
    if story == RISING:
        pain = rng.choice((4, 5)) if back < 7 else rng.choice((1, 2))
    if story == HARD and rng.random() < 0.4:
        difficulty = 7
    return (rng.random() > 0.03, sets, pain, difficulty)


def seed_population(count: int, now: dt.datetime):
    from django.db import transaction

    from bench import seed
    from patients.timezones import local_today
    from programs.models import EVERY_DAY, ExerciseLog, ProgramItem, Session

    exercises = seed.seed_exercises(12)
    harness.sql(
        "UPDATE programs_exercise e SET progression_id = n.id FROM programs_exercise n "
        "WHERE n.id = e.id + 1 AND mod(e.id, 4) <> 0"
    )
    clinic, clinician = seed.seed_clinic("Progress Clinic")
    pop = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=count, exercise_ids=exercises,
        tag="prog", timezones=seed.TIMEZONES_30, items_per_program=3, start_days_ago=60,
        days_mask=lambda k: 0b0010101 if k == 1 else EVERY_DAY,
        times_per_day=lambda k: 2 if k == 2 else 1, now=now,
    )  # fmt: skip
    rng = random.Random(15)
    session_id = itertools.count(seed.next_id(Session))
    swapped: list[int] = []

    sessions: list[tuple] = []

    def rows():
        for index, patient_id in enumerate(pop.patient_ids):
            today = local_today(pop.timezone_of[patient_id], now)
            for back in range(DAYS_OF_LOGS):
                day = today - dt.timedelta(days=back)
                day_logs = []
                for k, item in enumerate(pop.items_of[patient_id]):
                    story = STORY[(index + k) % len(STORY)]
                    if back == 0 and story == SWAPPED:
                        swapped.append(item.id)
                    if not seed.scheduled_on(item, day):
                        continue
                    for n in range(item.times_per_day):
                        done = _log(story, back, rng)
                        if done is None:
                            continue
                        completed, sets, pain, difficulty = done
                        at = dt.datetime.combine(day, dt.time(8 + n, 5), tzinfo=dt.UTC)
                        day_logs.append(
                            (uuid.uuid4(), patient_id, item.id, 1, day, completed, sets, 10,
                             None, None, pain, difficulty, "", at, at)
                        )  # fmt: skip
                if day_logs:
                    sid = next(session_id)
                    sessions.append((sid, patient_id, day, now))
                    for row in day_logs:
                        yield (*row[:2], sid, *row[2:])

    # One transaction: the foreign keys to the sessions are checked at its commit.
    with transaction.atomic():
        logs = harness.copy_rows(ExerciseLog, seed.LOG_COLUMNS, rows())
        harness.copy_rows(Session, seed.SESSION_COLUMNS, sessions)
    harness.reset_sequences(Session)
    # Swapped by hand a few days ago: the line's row retires and a new one (the next
    # exercise, same dose) starts, so the count restarts.
    swap = now.date() - dt.timedelta(days=SWAP_DAYS_AGO)
    for start in range(0, len(swapped), 10_000):
        ids = swapped[start : start + 10_000]
        harness.sql(
            "UPDATE programs_programitem SET valid_until = %s WHERE id = ANY(%s)", [swap, ids]
        )
        harness.sql(
            'INSERT INTO programs_programitem (program_id, key, exercise_id, "order", version, '
            "valid_from, valid_until, sets, reps, hold_seconds, duration_seconds, side, "
            "days_mask, times_per_day, notes) "
            "SELECT program_id, key, CASE WHEN exercise_id = (SELECT max(id) FROM "
            "programs_exercise) THEN exercise_id - 1 ELSE exercise_id + 1 END, "
            '"order", 2, %s, NULL, sets, reps, '
            "hold_seconds, duration_seconds, side, days_mask, times_per_day, notes "
            "FROM programs_programitem WHERE id = ANY(%s)",
            [swap, ids],
        )
    harness.reset_sequences(ProgramItem)
    harness.analyze()
    return logs, len(swapped)


def _run(args) -> int:
    # The production settings need Redis (sign-in throttles); the pass itself does not.
    with harness.bench_database("suggestion_pass"):
        service = harness.require_attr(
            "programs.services.suggestions", ["suggestions_daily_pass"], "the suggestion pass"
        )
        from django.db.models import Exists, OuterRef
        from django.utils import timezone

        from patients.models import Patient
        from programs.models import Program
        from programs.services.suggestions import CHUNK_SIZE, line_candidates

        now = timezone.now()
        harness.progress(f"seeding {args.patients:,} patients, 3 lines, {DAYS_OF_LOGS} days")
        logs, swapped = seed_population(args.patients, now)
        harness.progress(f"seeded {logs:,} logs; {swapped:,} lines swapped by hand")

        def ours() -> set:
            patients = (
                Patient.objects.filter(
                    Exists(Program.objects.filter(patient=OuterRef("pk"), status="active"))
                )
                .values_list("pk", "clinic_id", "timezone")
                .order_by("pk")
            )
            rows = list(patients)
            found = set()
            for start in range(0, len(rows), CHUNK_SIZE):
                candidates, *_ = line_candidates(rows[start : start + CHUNK_SIZE], now)
                found |= {(c.program_id, c.key, c.verdict.kind) for c in candidates}
            return found

        def reference() -> list:
            return harness.sql(REFERENCE_SQL, {"now": now})

        mine, theirs = ours(), set(reference())
        harness.require_same("candidate lines", mine, theirs)
        kinds = {kind: sum(1 for *_, k in mine if k == kind) for kind in ("advance", "regress")}
        harness.progress(f"candidate lines agree: {len(mine):,} ({kinds})")

        def truncate():
            harness.sql("TRUNCATE programs_suggestion")

        subject_s, reference_s = harness.interleave(
            lambda: harness.timed(lambda: service(now=now)),
            lambda: harness.timed(reference),
            rounds=args.rounds,
            before_each=truncate,
        )
        comparison = harness.Comparison(
            title="daily suggestion pass vs one SQL aggregate",
            subject="programs.services.suggestions.suggestions_daily_pass(now=...)",
            reference="one hand-written SQL aggregate returning the candidate lines",
            unit="seconds",
            subject_values=subject_s,
            reference_values=reference_s,
            target=TARGET,
            at_least=False,
        )
        notes = [
            f"{args.patients:,} patients in 30 zones, {3 * args.patients:,} lines, "
            f"{logs:,} logs over {DAYS_OF_LOGS} days; {swapped:,} lines swapped by hand",
            f"candidate lines (checked equal in both): {kinds}",
            "the pass also writes the suggestions (table truncated before every run)",
        ]
        return harness.report("suggestion_pass", [comparison], notes)
