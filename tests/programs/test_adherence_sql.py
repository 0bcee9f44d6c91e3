"""The patient list's rates come from one SQL aggregate (recent_rates); they must be
exactly what adherence_rates gives over the day statuses every other screen uses,
on the same data: time zones across daylight-saving changes, pauses, edits, late
logs of retired versions, completed and ended programs."""

import datetime as dt
import random

import pytest

from patients.timezones import local_today
from programs import adherence
from programs.adherence import (
    adherence_rates,
    recent_day_statuses,
    recent_logged_days,
    recent_rates,
)
from programs.models import Program, ProgramPause
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

ZONES = (
    "Europe/London",
    "America/New_York",
    "Pacific/Auckland",
    "Australia/Lord_Howe",  # a half-hour daylight-saving shift
    "Asia/Kolkata",
)
# Instants around the 2026 daylight-saving changes of those zones.
NOWS = (
    dt.datetime(2026, 9, 26, 14, 30, tzinfo=dt.UTC),  # Auckland just sprang forward
    dt.datetime(2026, 10, 4, 15, 45, tzinfo=dt.UTC),  # Lord Howe just sprang forward
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # London 01:30, before falling back
    dt.datetime(2026, 10, 25, 23, 30, tzinfo=dt.UTC),  # London, the evening after
    dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),  # New York 01:30, the repeated hour
)
FIRST = dt.date(2026, 9, 1)
LOGGED = [FIRST + dt.timedelta(days=n) for n in range(70)]


def on(n: int) -> dt.date:
    return FIRST + dt.timedelta(days=n)


def seed(rng: random.Random, clinic) -> list:
    patients = []
    statuses = [Program.Status.ACTIVE] * 3 + [Program.Status.PAUSED, Program.Status.COMPLETED]
    for n in range(10):
        patient = factories.PatientFactory(clinic=clinic, timezone=ZONES[n % len(ZONES)])
        patients.append(patient)
        if n == 9:
            continue  # nothing at all
        for _ in range(rng.choice((1, 2))):
            start = on(rng.randint(0, 40))
            program = factories.ProgramFactory(
                patient=patient,
                start_date=start,
                end_date=rng.choice((None, None, start + dt.timedelta(days=rng.randint(5, 50)))),
                status=rng.choice(statuses),
            )
            pauses = rng.choice((0, 1, 2))
            for k in range(pauses):  # the last one may be open-ended (only one may be)
                pause_start = on(rng.randint(10, 65))
                open_ended = k == pauses - 1 and rng.random() < 0.4
                ProgramPause.objects.create(
                    program=program,
                    start=pause_start,
                    end=None if open_ended else pause_start + dt.timedelta(days=rng.randint(1, 6)),
                )
            lines = []
            for _ in range(rng.randint(1, 3)):
                lines.append(
                    factories.ProgramItemFactory(
                        program=program,
                        days_mask=rng.choice((127, 127, 0b0010101, 0b1100000, rng.randint(1, 127))),
                        times_per_day=rng.choice((1, 1, 2, 3)),
                    )
                )
            if rng.random() < 0.6:  # a dose edit: the old row retired, a new version
                old = lines[0]
                edit_on = start + dt.timedelta(days=rng.randint(1, 30))
                old.valid_until = edit_on
                old.save()
                lines.append(
                    factories.ProgramItemFactory(
                        program=program,
                        key=old.key,
                        version=2,
                        valid_from=edit_on,
                        days_mask=old.days_mask,
                        times_per_day=rng.choice((1, 2)),
                        reps=old.reps + 5,
                    )
                )
            for day in LOGGED:
                if day < start - dt.timedelta(days=2) or rng.random() < 0.55:
                    continue
                for line in lines:
                    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
                        factories.ExerciseLogFactory(
                            item=line,
                            date=day,
                            completed=rng.random() < 0.85,
                            pain=rng.choice((None, 2, 5, 8)),
                        )
    return patients


@pytest.fixture
def patients(clinician):
    return seed(random.Random(23), clinician.clinic)


def rates_by_day_statuses(patients, days: int, now: dt.datetime) -> dict:
    """The rates as every other screen makes them: adherence_rates over DayStatus."""
    statuses = recent_day_statuses(patients=patients, days=days, now=now)
    return {
        patient.pk: adherence_rates(statuses[patient.pk], local_today(patient.timezone, now))
        for patient in patients
    }


def test_the_sql_rates_equal_adherence_rates_over_day_statuses(patients):
    seen = set()
    for now in NOWS:
        for days in (7, 30):
            expected = rates_by_day_statuses(patients, days, now)
            assert recent_rates(patients=patients, days=days, now=now) == expected, (now, days)
            seen.update(expected.values())
    # The data reaches every branch: no rate, none complete, all complete, in between.
    assert adherence.NO_RATES in seen
    assert {rates.days_complete_rate for rates in seen} >= {None, 0.0, 100.0}
    assert len({rates.items_done_rate for rates in seen}) > 15


def test_the_logged_days_equal_the_day_statuses_logged_days_and_pain(
    patients, django_assert_num_queries
):
    """The console list's data days and latest pain read the logged days alone; they
    are the `logged` days and `pain_average` of the day statuses."""
    pains = set()
    for now in NOWS:
        statuses = recent_day_statuses(patients=patients, days=30, now=now)
        expected = {
            pk: {day.date: day.pain_average for day in days if day.logged}
            for pk, days in statuses.items()
        }
        with django_assert_num_queries(1):
            found = recent_logged_days(patients=patients, days=30, now=now)
        assert found == expected, now
        pains.update(pain for days in found.values() for pain in days.values())
    assert None in pains and len(pains) > 10


def test_the_rates_take_one_query_for_one_patient_or_fifty(db, django_assert_num_queries):
    def seed_many(n):
        found = []
        for k in range(n):
            program = factories.ProgramFactory(
                patient__timezone=ZONES[k % len(ZONES)], start_date=on(20)
            )
            item = factories.ProgramItemFactory(program=program, times_per_day=2)
            factories.ExerciseLogFactory(item=item, date=on(50))
            found.append(program.patient)
        return found

    for group in (seed_many(1), seed_many(50)):
        with django_assert_num_queries(1):
            found = recent_rates(patients=group, days=7, now=NOWS[2])
        assert found == rates_by_day_statuses(group, 7, NOWS[2])
        assert all(rates.items_done_rate > 0 for rates in found.values())


def test_the_patient_list_is_byte_identical_either_way(patients, clinician, monkeypatch):
    """The whole /patients answer, every page, is the same bytes whether its rates come
    from the SQL aggregate or from adherence_rates over day statuses."""
    import time_machine

    from programs.selectors import clinic as clinic_selectors

    def by_day_statuses(*, patients, days, now=None):
        return rates_by_day_statuses(patients, days, now)

    client = auth_client(clinician.user)

    def every_page() -> list[bytes]:
        pages, url = [], "/api/v1/patients?page_size=3"
        while url:
            response = client.get(url)
            assert response.status_code == 200
            pages.append(response.content)
            url = response.json()["next"]
        return pages

    for now in NOWS:
        with time_machine.travel(now, tick=False):
            ours = every_page()
            monkeypatch.setattr(clinic_selectors, "recent_rates", by_day_statuses)
            theirs = every_page()
            monkeypatch.undo()
        assert ours == theirs, now
        assert len(ours) == 4
