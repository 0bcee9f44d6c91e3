"""dispatch: one planning pass for 100,000 patients due in the same minute (30 time
zones, some done today, some unsubscribed, some without a push device, a few in
quiet hours or not due yet): the product's due-selection + outbox rows, against one
hand-written INSERT ... SELECT writing the same rows. Target: ratio <= 3."""

import argparse
import datetime as dt

from bench import harness

TARGET = 3.0

# The same rules as reminders.md, in one statement: due now in the patient's own zone,
# not in quiet hours, channel on, something scheduled today, no row yet; the reason
# to skip is 'completed', then 'unsubscribed' / 'no_device', else the row is pending.
REFERENCE_SQL = """
WITH clock AS (
    SELECT p.*, (%(now)s::timestamptz AT TIME ZONE p.timezone) AS lt
    FROM patients_patient p JOIN patients_user u ON u.id = p.user_id
    WHERE p.reminders_enabled AND u.is_active
), due AS (
    SELECT c.*, c.lt::date AS d, c.lt::time AS t FROM clock c
    WHERE c.reminder_time <= c.lt::time(0)
      AND NOT (c.quiet_start IS NOT NULL AND (
            (c.quiet_start < c.quiet_end AND c.quiet_start <= c.lt::time(0) AND c.quiet_end > c.lt::time(0))
         OR (c.quiet_start > c.quiet_end AND (c.quiet_start <= c.lt::time(0) OR c.quiet_end > c.lt::time(0)))))
), work AS MATERIALIZED (
    SELECT due.*,
        EXISTS (SELECT 1 FROM programs_programitem i JOIN programs_program pr ON pr.id = i.program_id
                WHERE pr.patient_id = due.id AND pr.status = 'active'
                  AND pr.start_date <= due.d AND (pr.end_date IS NULL OR pr.end_date >= due.d)
                  AND i.valid_from <= due.d AND (i.valid_until IS NULL OR i.valid_until > due.d)
                  AND i.days_mask & (1 << (extract(isodow FROM due.d)::int - 1)) <> 0
                  AND NOT EXISTS (SELECT 1 FROM programs_programpause pp WHERE pp.program_id = pr.id
                                  AND pp.start <= due.d AND (pp."end" IS NULL OR pp."end" > due.d))
                  AND (SELECT count(*) FROM programs_exerciselog l
                       JOIN programs_programitem li ON li.id = l.item_id
                       WHERE li.key = i.key AND li.program_id = i.program_id
                         AND l.date = due.d AND l.completed) < i.times_per_day
        ) AS unfinished,
        EXISTS (SELECT 1 FROM programs_programitem i JOIN programs_program pr ON pr.id = i.program_id
                WHERE pr.patient_id = due.id AND pr.status = 'active'
                  AND pr.start_date <= due.d AND (pr.end_date IS NULL OR pr.end_date >= due.d)
                  AND i.valid_from <= due.d AND (i.valid_until IS NULL OR i.valid_until > due.d)
                  AND i.days_mask & (1 << (extract(isodow FROM due.d)::int - 1)) <> 0
                  AND NOT EXISTS (SELECT 1 FROM programs_programpause pp WHERE pp.program_id = pr.id
                                  AND pp.start <= due.d AND (pp."end" IS NULL OR pp."end" > due.d))
        ) AS scheduled,
        EXISTS (SELECT 1 FROM notifications_device dv WHERE dv.patient_id = due.id AND dv.active)
            AS has_device
    FROM due
), planned AS (
    SELECT w.id, w.d, ch.channel,
        CASE WHEN NOT w.unfinished THEN 'completed'
             WHEN ch.channel = 'email' AND (w.email_unsubscribed_at IS NOT NULL
                                            OR w.email_bounced_at IS NOT NULL) THEN 'unsubscribed'
             WHEN ch.channel = 'push' AND NOT w.has_device THEN 'no_device'
             ELSE '' END AS why
    FROM work w CROSS JOIN (VALUES ('email'), ('push')) AS ch(channel)
    WHERE w.scheduled
      AND CASE ch.channel WHEN 'email' THEN w.remind_by_email ELSE w.remind_by_push END
      AND NOT EXISTS (SELECT 1 FROM notifications_delivery x
                      WHERE x.patient_id = w.id AND x.local_date = w.d AND x.channel = ch.channel)
)
INSERT INTO notifications_delivery (patient_id, local_date, channel, status, skip_reason,
    attempts, last_error, provider_message_id, due_at, created_at, finished_at)
SELECT id, d, channel, CASE WHEN why = '' THEN 'pending' ELSE 'skipped' END, why, 0, '', '',
       %(now)s, %(now)s, CASE WHEN why = '' THEN NULL ELSE %(now)s::timestamptz END
FROM planned
ON CONFLICT DO NOTHING
"""

ROW_SET_SQL = """
SELECT patient_id, local_date, channel, status, skip_reason, due_at, finished_at IS NULL
FROM notifications_delivery ORDER BY 1, 2, 3
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dispatch")
    parser.add_argument("--patients", type=int, default=100_000, help="patients due now")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    return harness.run("dispatch", lambda: _run(args))


def planning_instant() -> dt.datetime:
    """30 s into the current minute: every seeded reminder time is this minute's."""
    from django.utils import timezone

    return timezone.now().replace(second=30, microsecond=0)


def seed_due_population(due: int, now: dt.datetime, *, not_due: int | None = None):
    """`due` patients whose reminder falls in the minute of `now`, across 30 zones; 10%
    done today, 10% unsubscribed from email, 40% without a push device, 2% with quiet
    hours elsewhere in the day; plus `not_due` (default 5%) due later or inside quiet
    hours. Programs start on each patient's local today, so no earlier day is open."""
    from bench import seed
    from notifications.models import Device
    from patients.timezones import local_now

    not_due = due // 20 if not_due is None else not_due
    total = due + not_due
    exercises = seed.seed_exercises(12)
    clinic, clinician = seed.seed_clinic("Dispatch Clinic")

    def clock(tz: str) -> dt.time:
        return local_now(tz, now).time().replace(second=0, microsecond=0)

    def shifted(tz: str, hours: int) -> dt.time:
        return (local_now(tz, now) + dt.timedelta(hours=hours)).time().replace(microsecond=0)

    def reminder_time(i: int, tz: str) -> dt.time:
        if i >= due and i % 2:  # later today (or, near midnight, already past: then due)
            return (
                min(shifted(tz, 1), dt.time(23, 59, 59)) if clock(tz) < dt.time(23) else clock(tz)
            )
        return clock(tz)

    def quiet_hours(i: int, tz: str):
        if i >= due and not i % 2:  # inside quiet hours now: waits for their end
            return shifted(tz, -1), shifted(tz, 1)
        if i % 50 == 7:  # quiet hours elsewhere in the day
            return shifted(tz, 2), shifted(tz, 4)
        return None

    pop = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=total, exercise_ids=exercises,
        tag="due", timezones=seed.TIMEZONES_30, programs=1, items_per_program=2,
        reminder_time=reminder_time, quiet_hours=quiet_hours,
        unsubscribed=lambda i: i % 10 == 3,
        start_date=lambda tz: local_now(tz, now).date(), now=now,
    )  # fmt: skip
    device0 = seed.next_id(Device)
    devices = [
        (device0 + n, pid, "fcm", f"fcm-token-{pid}", "{}", "phone", True, "", now, now)
        for n, pid in enumerate(p for i, p in enumerate(pop.patient_ids) if i % 5 > 1)
    ]
    harness.copy_rows(
        Device,
        ["id", "patient", "platform", "token", "webpush_keys", "name", "active",
         "deactivated_reason", "created_at", "updated_at"],
        devices,
    )  # fmt: skip
    harness.reset_sequences(Device)
    done = set(pop.patient_ids[4::10])
    seed.seed_logs(
        pop, days=1, now=now, done=lambda p, day, item: item.times_per_day if p in done else 0
    )
    harness.analyze()
    return pop


def _run(args) -> int:
    with harness.bench_database("dispatch"):
        planning = harness.require_attr(
            "notifications.services.planning", ["reminders_plan"], "the reminder planning pass"
        )
        from django.db import transaction

        now = planning_instant()
        harness.progress(f"seeding {args.patients:,} due patients (+5% not due) over 30 zones")
        seed_due_population(args.patients, now)
        harness.progress("seeded")

        def truncate():
            harness.sql("TRUNCATE notifications_delivery")

        def plan():
            planning(now=now, enqueue=None)

        def reference_insert():
            with transaction.atomic():
                harness.sql(REFERENCE_SQL, {"now": now})

        # Both must write the same rows before any timing counts.
        truncate()
        plan()
        ours = harness.sql(ROW_SET_SQL)
        truncate()
        reference_insert()
        theirs = harness.sql(ROW_SET_SQL)
        harness.require_same("row sets", ours, theirs)
        summary = harness.sql(
            "SELECT channel, status, skip_reason, count(*) FROM notifications_delivery "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
        harness.progress(f"row sets agree: {len(ours):,} rows")
        subject_s, reference_s = harness.interleave(
            lambda: harness.timed(plan),
            lambda: harness.timed(reference_insert),
            rounds=args.rounds,
            before_each=truncate,
        )
        comparison = harness.Comparison(
            title="planning pass vs one INSERT ... SELECT",
            subject="notifications.services.planning.reminders_plan(now=..., enqueue=None)",
            reference="one hand-written INSERT ... SELECT ... ON CONFLICT DO NOTHING",
            unit="seconds",
            subject_values=subject_s,
            reference_values=reference_s,
            target=TARGET,
            at_least=False,
        )
        notes = [
            f"{args.patients:,} patients due at {now:%H:%M:%S} UTC in 30 zones, "
            f"{len(ours):,} rows written per pass; outbox truncated before every run",
            "rows: " + ", ".join(f"{c}/{s}/{r or '-'}={n:,}" for c, s, r, n in summary),
        ]
        return harness.report("dispatch", [comparison], notes)
