"""suggestion_pass: the daily progression pass for 100,000 patients (3 lines each,
30 days of logs: comfortable, failed sets, painful, rising pain, sparse, hard, lines
swapped by hand), against one hand-written SQL aggregate that finds the same
candidate lines. Both are checked to find the same (program, line, kind) set first.
Target: ratio <= 3."""

import argparse
import datetime as dt

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


# One line's logs over its last DAYS_OF_LOGS local dates, generated inside
# PostgreSQL (a Python loop over 10 million rows took most of an hour on 2 cores).
# Per scheduled slot (date x time of day): no log for 8% of slots (70% more for the
# sparse story); 2 sets done (1 in 30% of slots of the failed-set story); pain empty or
# 1-3 (6-8 in the last 4 days of the painful story; 4-5 in the last week of the
# rising story, 1-2 before it); difficulty 3-5 (7 in 40% of slots of the hard story);
# 3% of logs not completed.
LOGS_SQL = """
CREATE TEMP TABLE bench_logs ON COMMIT DROP AS
WITH line AS (
    SELECT i.id AS item_id, pr.patient_id, i.days_mask, i.times_per_day,
        (%(story)s::int[])[((p.id - %(first)s) + i."order" - 1) %% 10 + 1] AS story,
        (%(now)s::timestamptz AT TIME ZONE p.timezone)::date AS today
    FROM programs_programitem i
    JOIN programs_program pr ON pr.id = i.program_id
    JOIN patients_patient p ON p.id = pr.patient_id
    WHERE p.id >= %(first)s
), slot AS (
    SELECT line.*, b.back, line.today - b.back AS day, n.n,
        random() AS r_gone, random() AS r_sparse, random() AS r_sets, random() AS r_pain,
        random() AS r_hard, random() AS r_difficulty, random() AS r_done
    FROM line
    CROSS JOIN generate_series(0, %(days)s - 1) AS b(back)
    CROSS JOIN LATERAL generate_series(0, line.times_per_day - 1) AS n(n)
    WHERE line.days_mask & (1 << (extract(isodow FROM line.today - b.back)::int - 1)) <> 0
)
SELECT gen_random_uuid() AS id, patient_id, item_id, day, r_done > 0.03 AS completed,
    CASE WHEN story = %(failed)s AND r_sets < 0.3 THEN 1 ELSE 2 END AS sets_done,
    CASE
        WHEN story = %(painful)s AND back < 4 THEN 6 + floor(r_pain * 3)::int
        WHEN story = %(rising)s AND back < 7 THEN 4 + floor(r_pain * 2)::int
        WHEN story = %(rising)s THEN 1 + floor(r_pain * 2)::int
        ELSE (ARRAY[NULL, 1, 2, 3])[1 + floor(r_pain * 4)::int]
    END AS pain,
    CASE WHEN story = %(hard)s AND r_hard < 0.4 THEN 7
         ELSE 3 + floor(r_difficulty * 3)::int END AS difficulty,
    (day + make_time(8 + n, 5, 0)) AT TIME ZONE 'UTC' AS performed_at
FROM slot
WHERE NOT (r_gone < 0.08 OR (story = %(sparse)s AND r_sparse < 0.7))
"""


def seed_population(count: int, now: dt.datetime):
    from django.db import transaction

    from bench import seed
    from programs.models import EVERY_DAY, ProgramItem, Session

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
    params = {
        "first": pop.patient_ids[0], "now": now, "days": DAYS_OF_LOGS, "story": list(STORY),
        "failed": FAILED_SETS, "painful": PAINFUL, "rising": RISING, "sparse": SPARSE,
        "hard": HARD,
    }  # fmt: skip
    with transaction.atomic():
        # The rows are consistent by construction: the foreign-key triggers would only
        # double the time of the two inserts.
        harness.sql("SET LOCAL session_replication_role = replica")
        harness.sql("SELECT setseed(0.15)")
        harness.sql(LOGS_SQL, params)
        harness.sql(
            "INSERT INTO programs_session (patient_id, date, created_at) "
            "SELECT DISTINCT patient_id, day, %s FROM bench_logs",
            [now],
        )
        harness.sql(
            "INSERT INTO programs_exerciselog (id, patient_id, session_id, item_id, "
            "program_version, date, completed, sets_done, reps_done, pain, difficulty, "
            "note, performed_at, received_at) "
            "SELECT l.id, l.patient_id, s.id, l.item_id, 1, l.day, l.completed, l.sets_done, "
            "10, l.pain, l.difficulty, '', l.performed_at, l.performed_at "
            "FROM bench_logs l JOIN programs_session s "
            "ON s.patient_id = l.patient_id AND s.date = l.day"
        )
        logs = harness.sql("SELECT count(*) FROM bench_logs")[0][0]
    harness.reset_sequences(Session)
    swapped = [
        item.id
        for index, patient_id in enumerate(pop.patient_ids)
        for k, item in enumerate(pop.items_of[patient_id])
        if STORY[(index + k) % len(STORY)] == SWAPPED
    ]
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
