"""The clinician's patient list: each row's adherence summary (last_7_days,
last_log_at, open_alerts) agrees with a plain recomputation from the rows, on
every page."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.dateparse import parse_datetime

from patients.models import Patient
from programs.models import Alert, ExerciseLog, Program, ProgramItem, ProgramPause, days_to_mask
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday
MON_WED_FRI = days_to_mask([1, 3, 5])


def days_ago(n: int) -> dt.date:
    return NOW.date() - dt.timedelta(days=n)


def log(item, day, n=1, completed=True, pain=None, hour=9):
    for k in range(n):
        factories.ExerciseLogFactory(
            item=item,
            date=day,
            completed=completed,
            pain=pain,
            performed_at=dt.datetime.combine(day, dt.time(hour + k), tzinfo=dt.UTC),
        )


def expected_rate(patient, today: dt.date) -> float | None:
    """Last 7 local days, one query per day and line: complete days / days counted,
    today counted only once complete."""
    counted = complete = 0
    for back in range(7):
        day = today - dt.timedelta(days=back)
        lines = {}
        for program in Program.objects.filter(patient=patient):
            if day < program.start_date or (program.end_date and day > program.end_date):
                continue
            if day >= today and program.status != Program.Status.ACTIVE:
                continue
            pauses = ProgramPause.objects.filter(program=program, start__lte=day)
            if any(p.end is None or day < p.end for p in pauses):
                continue
            for item in ProgramItem.objects.filter(program=program, valid_from__lte=day):
                if item.valid_until and day >= item.valid_until:
                    continue
                if item.days_mask >> (day.isoweekday() - 1) & 1:
                    lines[(program.pk, item.key)] = item.times_per_day
        if not lines:
            continue
        day_complete = all(
            ExerciseLog.objects.filter(
                patient=patient, date=day, completed=True, item__program_id=pk, item__key=key
            ).count()
            >= times
            for (pk, key), times in lines.items()
        )
        if day < today or day_complete:
            counted += 1
            complete += day_complete
    return round(100 * complete / counted, 1) if counted else None


@pytest.fixture
def small_clinic(clinician):
    """Six patients in four zones: twice-a-day and Mon/Wed/Fri lines, a pause, a
    completed program, a mid-week edit, incomplete logs, open and resolved alerts,
    one patient with only an old log and one with nothing at all."""
    clinic = clinician.clinic
    rng = random.Random(11)

    def patient(name, tz):
        return factories.PatientFactory(
            clinic=clinic, primary_clinician=clinician, timezone=tz, user__last_name=name
        )

    def program(p, **extra):
        return factories.ProgramFactory(patient=p, start_date=days_ago(30), **extra)

    # Ada, London: 5 of 6 finished days complete (Saturday one of two), today pending.
    ada = patient("Ada", "Europe/London")
    prog = program(ada)
    twice = factories.ProgramItemFactory(program=prog, times_per_day=2)
    mwf = factories.ProgramItemFactory(program=prog, days_mask=MON_WED_FRI)
    for n in range(1, 7):
        log(twice, days_ago(n), n=1 if n == 4 else 2, pain=3)
    log(mwf, days_ago(5))  # Friday
    log(mwf, days_ago(2))  # Monday
    log(mwf, days_ago(3), completed=False, pain=8)  # Sunday, not scheduled, not done
    log(twice, days_ago(0), n=2, hour=10)
    Alert.objects.create(clinic=clinic, patient=ada, kind="high_pain", date=days_ago(0))
    Alert.objects.create(
        clinic=clinic, patient=ada, kind="missed_days", date=days_ago(3), status="resolved"
    )

    # Bea, Auckland (already Thursday there): random days done, two open alerts.
    bea = patient("Bea", "Pacific/Auckland")
    daily = factories.ProgramItemFactory(program=program(bea))
    for n in range(-1, 9):
        if rng.random() < 0.6:
            log(daily, days_ago(n), pain=rng.choice((None, 2, 6)), hour=rng.randrange(0, 12))
    for kind in ("high_pain", "missed_days"):
        Alert.objects.create(clinic=clinic, patient=bea, kind=kind, date=days_ago(0))

    # Cal, Los Angeles (early Wednesday): paused from 5 to 2 days ago.
    cal = patient("Cal", "America/Los_Angeles")
    prog = program(cal)
    ProgramPause.objects.create(program=prog, start=days_ago(5), end=days_ago(2))
    items = [
        factories.ProgramItemFactory(program=prog),
        factories.ProgramItemFactory(program=prog, days_mask=MON_WED_FRI, times_per_day=2),
    ]
    for n in range(0, 9):
        for item in items:
            log(item, days_ago(n), n=rng.choice((0, 1, 2)), hour=14)

    # Dev, Kolkata: a completed program schedules nothing today, a current one does.
    dev = patient("Dev", "Asia/Kolkata")
    done_program = program(dev, status=Program.Status.COMPLETED)
    current = program(dev)
    old_item = factories.ProgramItemFactory(program=done_program)
    new_item = factories.ProgramItemFactory(program=current, days_mask=MON_WED_FRI)
    for n in range(0, 8):
        log(old_item, days_ago(n), n=rng.choice((0, 1)), hour=3)
        log(new_item, days_ago(n), n=rng.choice((0, 1)), hour=4)

    # Eve, London: a line edited 3 days ago; a log of the old row on the edit day
    # still counts for the line.
    eve = patient("Eve", "Europe/London")
    prog = program(eve)
    before = factories.ProgramItemFactory(program=prog, valid_until=days_ago(3))
    after = factories.ProgramItemFactory(
        program=prog, key=before.key, valid_from=days_ago(3), reps=15, version=2
    )
    for n in range(4, 9):
        log(before, days_ago(n))
    log(before, days_ago(3))
    log(after, days_ago(1))

    # Fay: one log long ago, no program now; Gus: nothing at all.
    fay = patient("Fay", "America/New_York")
    gone = factories.ProgramFactory(patient=fay, start_date=days_ago(60), end_date=days_ago(40))
    log(factories.ProgramItemFactory(program=gone), days_ago(45))
    patient("Gus", "Europe/London")


@pytest.mark.usefixtures("small_clinic")
def test_every_page_matches_a_recomputation(clinician):
    client = auth_client(clinician.user)
    rows = {}
    with time_machine.travel(NOW, tick=False):
        url = "/api/v1/patients?page_size=2"
        while url:
            body = client.get(url).json()
            rows.update({row["id"]: row for row in body["results"]})
            url = body["next"]
    patients = list(Patient.objects.filter(clinic=clinician.clinic))
    assert len(rows) == len(patients) == 7
    for patient in patients:
        today = NOW.astimezone(ZoneInfo(patient.timezone)).date()
        last = max((entry.performed_at for entry in patient.logs.all()), default=None)
        row = rows[patient.pk]
        assert row["last_7_days"] == expected_rate(patient, today), patient.user.last_name
        assert (parse_datetime(row["last_log_at"]) if row["last_log_at"] else None) == last
        assert row["open_alerts"] == patient.alerts.filter(status="open").count()
    assert len({row["last_7_days"] for row in rows.values()}) >= 5  # the cases differ


@pytest.mark.usefixtures("small_clinic")
def test_known_figures(clinician):
    with time_machine.travel(NOW, tick=False):
        rows = auth_client(clinician.user).get("/api/v1/patients").json()["results"]
    by_name = {row["last_name"]: row for row in rows}
    assert by_name["Ada"]["last_7_days"] == 83.3  # 5 of 6; today not yet complete
    assert by_name["Ada"]["open_alerts"] == 1
    assert by_name["Ada"]["last_log_at"].startswith("2026-11-25T11:00")
    assert by_name["Bea"]["open_alerts"] == 2
    assert by_name["Fay"]["last_7_days"] is None
    assert by_name["Fay"]["last_log_at"].startswith("2026-10-11T09:00")
    gus = by_name["Gus"]
    assert (gus["last_7_days"], gus["last_log_at"], gus["open_alerts"]) == (None, None, 0)
