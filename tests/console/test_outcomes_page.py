"""The console's patient page shows each measure over time and its MCID verdict."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.outcomes.models import CheckIn
from tests.console.conftest import seeded_patient

pytestmark = pytest.mark.django_db


def answer(patient, program, measure, day, answers, score):
    return CheckIn.objects.create(
        patient=patient,
        program=program,
        measure=measure,
        due_date=day,
        due_at=dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC),
        answered_at=dt.datetime.combine(day, dt.time(19), tzinfo=dt.UTC),
        answers=answers,
        score=score,
    )


def test_patient_page_lists_measures_with_their_verdict(console, clinic, clinician):
    patient, program, *_ = seeded_patient(clinic, clinician, days=1)
    start = program.start_date
    answer(patient, program, "nprs", start, {"current": 6, "best": 5, "worst": 7}, 6.0)
    answer(
        patient,
        program,
        "nprs",
        start + dt.timedelta(days=7),
        {"current": 4, "best": 3, "worst": 5},
        4.0,
    )
    acts = [
        {"name": "Running", "score": 2},
        {"name": "Sitting", "score": 3},
        {"name": "Lifting", "score": 4},
    ]
    answer(patient, program, "psfs", start, {"activities": acts}, 3.0)
    page = console.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert '<h2 id="outcomes">Outcome measures</h2>' in page
    assert "First 6.0, latest 4.0 (change -2.0); an improvement of 1.8 matters." in page
    assert "Passed the minimal clinically important difference." in page
    assert "now 4, least 3, worst 5 (0-10)" in page
    assert "Running: 2; Sitting: 3; Lifting: 4" in page
    assert "One answer so far: the change shows after the next." in page


def test_patient_page_without_answers_says_so(console, clinic, clinician):
    patient, *_ = seeded_patient(clinic, clinician, days=1)
    page = console.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "No check-in answered yet." in page


def test_patient_page_outcomes_cost_the_same_queries_at_1x_and_50x(console, clinic, clinician):
    patient, program, *_ = seeded_patient(clinic, clinician, days=1)
    path = f"/clinic/patients/{patient.pk}/"
    console.get(path)

    def count(weeks):
        CheckIn.objects.all().delete()
        for week in range(weeks):
            day = program.start_date + dt.timedelta(days=7 * week)
            answer(patient, program, "nprs", day, {"current": 4, "best": 3, "worst": 5}, 4.0)
        with CaptureQueriesContext(connection) as ctx:
            assert console.get(path).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(50)


def test_patient_list_shows_and_sorts_by_the_change_in_pain(console, clinic, clinician):
    def make(last_name, first, last):
        patient, program, *_ = seeded_patient(clinic, clinician, days=1)
        patient.user.last_name = last_name
        patient.user.save()
        if first is not None:
            start = program.start_date
            answer(
                patient,
                program,
                "nprs",
                start,
                {"current": first, "best": first, "worst": first},
                float(first),
            )
            later = start + dt.timedelta(days=28)
            answer(
                patient,
                program,
                "nprs",
                later,
                {"current": last, "best": last, "worst": last},
                float(last),
            )
        return patient

    make("Better", 8, 3)
    make("Worse", 3, 6)
    make("Silent", None, None)
    page = console.get("/clinic/patients/?sort=nprs_change").content.decode()
    assert page.index("Better") < page.index("Worse") < page.index("Silent")
    assert '<td class="num">-5.0</td>' in page and '<td class="num">3.0</td>' in page
    assert (
        'aria-sort="ascending"><a class="sort-link" href="?sort=-nprs_change">NPRS change since start'
        in page
    )
    page = console.get("/clinic/patients/?sort=-nprs_change").content.decode()
    assert page.index("Worse") < page.index("Better") < page.index("Silent")


def test_sorting_by_pain_change_costs_the_same_queries_at_1x_and_50x(console, clinic, clinician):
    def grow(n):
        for _ in range(n):
            patient, program, *_ = seeded_patient(clinic, clinician, days=1)
            answer(
                patient,
                program,
                "nprs",
                program.start_date,
                {"current": 5, "best": 5, "worst": 5},
                5.0,
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert console.get("/clinic/patients/?sort=-nprs_change").status_code == 200
        return len(ctx.captured_queries)

    grow(1)
    console.get("/clinic/")
    small = count()
    grow(49)
    assert count() == small
