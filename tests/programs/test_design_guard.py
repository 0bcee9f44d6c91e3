"""The program design guard: a warning past the clinic's daily limit, never a refusal."""

import datetime as dt

import pytest

from programs.models import days_to_mask
from tests import factories

pytestmark = pytest.mark.django_db


def program_with(clinician, patient, lines: int, **line):
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 1, 1))
    for _ in range(lines):
        factories.ProgramItemFactory(program=program, **line)
    return program


def test_six_a_day_is_fine_seven_warns(clinician_client, clinician, patient):
    six = program_with(clinician, patient, 6)
    assert clinician_client.get(f"/api/v1/programs/{six.pk}").json()["warnings"] == []
    seven = program_with(clinician, patient, 7)
    (warning,) = clinician_client.get(f"/api/v1/programs/{seven.pk}").json()["warnings"]
    assert warning == {
        "code": "too_many_daily_exercises",
        "message": "7 exercises every day; this clinic suggests at most 6 a day "
        "(fewer exercises a day go with better adherence).",
        "limit": 6,
        "count": 7,
    }


def test_lines_on_different_days_do_not_add_up(clinician_client, clinician, patient):
    program = program_with(clinician, patient, 4, days_mask=days_to_mask([1, 3, 5]))
    for _ in range(4):
        factories.ProgramItemFactory(program=program, days_mask=days_to_mask([2, 4]))
    assert clinician_client.get(f"/api/v1/programs/{program.pk}").json()["warnings"] == []
    for _ in range(3):
        factories.ProgramItemFactory(program=program, days_mask=days_to_mask([1, 3]))
    (warning,) = clinician_client.get(f"/api/v1/programs/{program.pk}").json()["warnings"]
    assert warning["count"] == 7
    assert warning["message"].startswith("7 exercises on Mondays, Wednesdays;")


def test_the_clinic_sets_its_own_limit_and_saving_is_never_blocked(
    clinician_client, clinician, patient
):
    clinician.clinic.daily_exercise_limit = 3
    clinician.clinic.save()
    exercise = factories.ExerciseFactory(slug="dead-bug")
    response = clinician_client.post(
        f"/api/v1/patients/{patient.pk}/programs",
        {
            "name": "Long list",
            "start_date": "2026-11-25",
            "items": [{"exercise": "dead-bug", "order": n} for n in range(1, 5)],
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["warnings"][0]["limit"] == 3
    assert exercise.program_items.count() == 4


def test_the_console_program_page_shows_the_warning(clinician, patient):
    from django.test import Client

    console = Client()
    console.force_login(clinician.user)
    program = program_with(clinician, patient, 7)
    page = console.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert "Worth a second look" in page and "7 exercises every day" in page
    quiet = program_with(clinician, patient, 2)
    assert (
        "Worth a second look" not in console.get(f"/clinic/programs/{quiet.pk}/").content.decode()
    )
