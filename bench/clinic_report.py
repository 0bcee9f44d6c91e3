"""clinic_report: every page of GET /api/v1/patients for a clinic of 2,000 patients
with 90 days of logs, adherence summary included (days_complete_rate, which
last_7_days repeats, items_done_rate, last_log_at, open_alerts), against one
hand-written SQL aggregate returning the same numbers (checked to agree).
Target: ratio <= 2."""

import argparse
import datetime as dt
import random

from bench import harness

TARGET = 2.0
PAGE_SIZE = 200  # the API's maximum page size

# The two rates as programs.adherence defines them, over the patient's last 7 local
# days and the days counted there (scheduled days before today, today only once
# complete): days_complete_rate = complete days / counted days, where a day is complete
# when every scheduled item line (program, key) has times_per_day completed logs;
# items_done_rate = done / scheduled occurrences on those days, each line's done capped
# at its times_per_day.
REFERENCE_SQL = """
WITH pt AS MATERIALIZED (
    SELECT p.id, (%(now)s::timestamptz AT TIME ZONE p.timezone)::date AS today
    FROM patients_patient p WHERE p.clinic_id = %(clinic)s
), days AS (
    SELECT pt.id AS pid, pt.today, g::date AS d
    FROM pt CROSS JOIN LATERAL generate_series(pt.today - 6, pt.today, interval '1 day') AS g
), sched AS (
    SELECT days.pid, days.d, days.today, i.program_id, i.key, i.times_per_day AS tpd
    FROM days
    JOIN programs_program pr ON pr.patient_id = days.pid
    JOIN programs_programitem i ON i.program_id = pr.id
    WHERE pr.start_date <= days.d AND (pr.end_date IS NULL OR pr.end_date >= days.d)
      AND i.valid_from <= days.d AND (i.valid_until IS NULL OR i.valid_until > days.d)
      AND i.days_mask & (1 << (extract(isodow FROM days.d)::int - 1)) <> 0
      AND (days.d < days.today OR pr.status = 'active')
      AND NOT EXISTS (SELECT 1 FROM programs_programpause pp WHERE pp.program_id = pr.id
                      AND pp.start <= days.d AND (pp."end" IS NULL OR pp."end" > days.d))
), done AS (
    SELECT l.patient_id AS pid, l.date AS d, li.program_id, li.key,
           count(*) FILTER (WHERE l.completed) AS n
    FROM pt
    JOIN programs_exerciselog l ON l.patient_id = pt.id
         AND l.date BETWEEN pt.today - 6 AND pt.today
    JOIN programs_programitem li ON li.id = l.item_id
    GROUP BY 1, 2, 3, 4
), per_day AS (
    SELECT s.pid, s.d, s.today, sum(s.tpd) AS scheduled,
           sum(least(s.tpd, coalesce(done.n, 0))) AS done
    FROM sched s LEFT JOIN done ON done.pid = s.pid AND done.d = s.d
         AND done.program_id = s.program_id AND done.key = s.key
    GROUP BY 1, 2, 3
), rate AS (
    SELECT pid, round(100.0 * count(*) FILTER (WHERE done >= scheduled) / count(*), 1) AS r,
           round(100.0 * sum(done) / sum(scheduled), 1) AS items
    FROM per_day WHERE scheduled > 0 AND (d < today OR done >= scheduled)
    GROUP BY pid
), last_log AS (
    SELECT l.patient_id AS pid, max(l.performed_at) AS at
    FROM programs_exerciselog l JOIN pt ON pt.id = l.patient_id GROUP BY 1
), alerts AS (
    SELECT a.patient_id AS pid, count(*) AS n FROM programs_alert a
    WHERE a.clinic_id = %(clinic)s AND a.status = 'open' GROUP BY 1
)
SELECT pt.id, rate.r, last_log.at, coalesce(alerts.n, 0), rate.items
FROM pt LEFT JOIN rate ON rate.pid = pt.id LEFT JOIN last_log ON last_log.pid = pt.id
     LEFT JOIN alerts ON alerts.pid = pt.id
ORDER BY pt.id
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench clinic_report")
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    return harness.run("clinic_report", lambda: _run(args))


def _seed(count: int):
    """A clinic of `count` patients in 5 zones, 4 items each (one twice a day, one on
    Mon/Wed/Fri), 90 days of logs at each patient's own adherence; some paused, some
    edited mid-week, some completed programs; open and resolved alerts."""
    from bench import seed
    from programs.models import Alert, Program, ProgramItem, ProgramPause

    rng = random.Random(5)
    exercises = seed.seed_exercises(12)
    clinic, clinician = seed.seed_clinic("Report Clinic")
    zones = ("Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata",
             "Australia/Sydney")  # fmt: skip
    pop = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=count, exercise_ids=exercises,
        tag="report", timezones=zones, items_per_program=4,
        days_mask=lambda k: 0b0010101 if k == 3 else 0b1111111,
        times_per_day=lambda k: 2 if k == 0 else 1,
    )  # fmt: skip
    adherence = {pid: rng.choice((0.2, 0.5, 0.8, 0.95, 1.0)) for pid in pop.patient_ids}

    def done(pid, day, item):
        return sum(rng.random() < adherence[pid] for _ in range(item.times_per_day))

    harness.progress("seeding 90 days of logs")
    logs = seed.seed_logs(pop, days=90, done=done, rng=rng)
    today = dt.date.today()
    programs = [pop.items_of[pid][0].program_id for pid in pop.patient_ids]
    ProgramPause.objects.bulk_create(
        ProgramPause(program_id=p, start=today - dt.timedelta(days=10), end=today - dt.timedelta(days=3))
        for p in programs[::20]
    )  # fmt: skip
    Program.objects.filter(pk__in=programs[7::50]).update(status=Program.Status.COMPLETED)
    edited = [pop.items_of[pid][1].id for pid in pop.patient_ids[3::20]]
    replacements = []
    for item in ProgramItem.objects.filter(pk__in=edited):
        item.pk, item.valid_from, item.reps, item.version = (
            None,
            today - dt.timedelta(days=3),
            15,
            2,
        )
        replacements.append(item)
    ProgramItem.objects.filter(pk__in=edited).update(valid_until=today - dt.timedelta(days=3))
    ProgramItem.objects.bulk_create(replacements)
    Alert.objects.bulk_create(
        Alert(clinic=clinic, patient_id=pid, kind=kind, date=today, detail={},
              status=Alert.Status.OPEN if n % 3 else Alert.Status.RESOLVED)
        for n, pid in enumerate(pop.patient_ids[::4])
        for kind in (Alert.Kind.HIGH_PAIN, Alert.Kind.MISSED_DAYS)
    )  # fmt: skip
    harness.analyze()
    return clinic, clinician, logs


def _run(args) -> int:
    with harness.bench_database("clinic_report"):
        harness.require_url("/api/v1/patients", "the clinician API's GET /api/v1/patients")
        from django.test import Client
        from django.utils import timezone
        from django.utils.dateparse import parse_datetime

        from bench import seed

        harness.progress(f"seeding a clinic of {args.patients:,} patients")
        clinic, clinician, log_count = _seed(args.patients)
        client = Client(HTTP_AUTHORIZATION=f"Token {seed.knox_token(clinician.user)}")
        state: dict = {}

        def subject() -> float:
            rows = {}

            def fetch_all():
                url = f"/api/v1/patients?page_size={PAGE_SIZE}"
                while url:
                    response = client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(
                            f"{url}: {response.status_code} {response.content[:300]!r}"
                        )
                    body = response.json()
                    for p in body["results"]:
                        if p["last_7_days"] != p["days_complete_rate"]:
                            raise RuntimeError(f"patient {p['id']}: last_7_days differs")
                        rows[p["id"]] = (
                            p["days_complete_rate"],
                            p["last_log_at"],
                            p["open_alerts"],
                            p["items_done_rate"],
                        )
                    url = body.get("next")

            seconds = harness.timed(fetch_all)
            state["subject"] = rows
            return seconds

        def reference() -> float:
            def query():
                state["reference"] = harness.sql(
                    REFERENCE_SQL, {"now": timezone.now(), "clinic": clinic.pk}
                )

            return harness.timed(query)

        subject(), reference()  # warm-up, and the agreement check below
        _check(state, parse_datetime)
        harness.progress(f"API and SQL agree on {len(state['reference']):,} patients")
        subject_s, reference_s = harness.interleave(subject, reference, rounds=args.rounds)
        _check(state, parse_datetime)
        comparison = harness.Comparison(
            title="GET /patients (all pages) vs one SQL aggregate",
            subject=f"GET /api/v1/patients?page_size={PAGE_SIZE}, every page "
            f"({-(-args.patients // PAGE_SIZE)} requests, in-process client)",
            reference="one hand-written SQL aggregate: both rates, last_log_at, open_alerts",
            unit="seconds",
            subject_values=subject_s,
            reference_values=reference_s,
            target=TARGET,
            at_least=False,
        )
        notes = [f"{args.patients:,} patients, {log_count:,} logs over 90 days, 5 time zones"]
        return harness.report("clinic_report", [comparison], notes)


def _same_rate(sql, api) -> bool:
    if sql is None or api is None:
        return sql is None and api is None
    return abs(float(sql) - api) < 0.051


def _check(state: dict, parse_datetime) -> None:
    api, sql_rows = state["subject"], state["reference"]
    if len(api) != len(sql_rows):
        raise RuntimeError(f"API listed {len(api)} patients, SQL {len(sql_rows)}")
    for pid, rate, last_log_at, alerts, items in sql_rows:
        got_rate, got_last, got_alerts, got_items = api[pid]
        got_last = parse_datetime(got_last) if got_last else None
        same = _same_rate(rate, got_rate) and _same_rate(items, got_items)
        if not same or got_last != last_log_at or got_alerts != alerts:
            raise RuntimeError(
                f"patient {pid}: API {api[pid]} but SQL {(rate, last_log_at, alerts, items)}"
            )
