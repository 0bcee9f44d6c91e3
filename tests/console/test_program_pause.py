"""The program editor's pause takes a first paused day, with the API's rules: the
service refuses a day and the page shows why beside the field, nothing saved."""

import datetime as dt
import html

import pytest
import time_machine

from patients.models import AuditEvent
from programs.models import Program, ProgramPause
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)  # Wednesday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def program(patient):
    patient.timezone = "UTC"
    patient.save(update_fields=["timezone"])
    program = factories.ProgramFactory(patient=patient, start_date=dt.date(2026, 11, 1))
    factories.ProgramItemFactory(program=program)
    return program


def pause(console, program, start):
    return console.post(f"/clinic/programs/{program.pk}/pause/", {"pause-start": start})


def test_the_editor_offers_a_first_paused_day_defaulting_to_today(console, program):
    page = console.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert '<label for="id_pause-start">First paused day</label>' in page
    assert f'type="date" name="pause-start" value="{TODAY.isoformat()}"' in page
    assert 'aria-describedby="id_pause-start_helptext"' in page


def test_a_pause_from_an_earlier_day_records_those_days_as_paused(console, program):
    response = pause(console, program, "2026-11-23")
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == Program.Status.PAUSED
    assert list(ProgramPause.objects.filter(program=program).values_list("start", "end")) == [
        (dt.date(2026, 11, 23), None)
    ]
    followed = console.get(response["Location"]).content.decode()
    assert "Program paused from 23 Nov 2026." in followed
    assert AuditEvent.objects.filter(
        patient=program.patient, action="update", what__endswith="/pause/"
    ).exists()


@pytest.mark.parametrize(
    "start, message",
    [
        ("2026-11-26", "A pause starts today (2026-11-25) at the latest"),
        ("2026-10-31", "The program starts on 2026-11-01; a pause cannot begin before it."),
        ("2026-11-20", "The patient logged exercises on 2026-11-21"),
        ("25/11/2026", "Enter a valid date."),
    ],
)
def test_a_day_the_service_refuses_is_shown_beside_the_field(console, program, start, message):
    item = program.items.get()
    factories.ExerciseLogFactory(item=item, date=dt.date(2026, 11, 21))

    response = pause(console, program, start)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    field_error = page.split('id="id_pause-start_error">')[1].split("</p>")[0]
    assert message in field_error
    assert 'href="#id_pause-start"' in page  # the summary links to the field
    assert f'value="{start}"' in page  # what was typed stays in the field
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE
    assert not ProgramPause.objects.filter(program=program).exists()


def test_another_clinics_program_is_a_404(console):
    other = factories.ProgramFactory()
    assert pause(console, other, TODAY.isoformat()).status_code == 404
