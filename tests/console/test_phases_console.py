"""Phases in the console: the program says where it stands, and a phase suggestion
on the worklist is accepted in place like any other."""

import datetime as dt

import pytest
import time_machine

from programs.models import Program, TemplatePhase
from programs.services.phases import phases_daily_pass
from programs.services.programs import program_assign
from programs.suggestion_models import Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 16, 12, tzinfo=dt.UTC)  # phase 1 ran 2 March to 15 March


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def phased_program(clinician, advance) -> Program:
    template = factories.ProgramTemplateFactory(clinic=clinician.clinic)
    names = ["Mobility and activation", "Strength", "Return to run"]
    for order, name in enumerate(names, start=1):
        phase = factories.TemplatePhaseFactory(
            template=template, order=order, name=name, advance=advance
        )
        factories.TemplateItemFactory(template=template, phase=phase, order=order)
    patient = factories.PatientFactory(
        clinic=clinician.clinic, user__first_name="Ada", user__last_name="Runner"
    )
    return program_assign(
        patient=patient, name="Back to running", start_date=dt.date(2026, 3, 2), template=template
    )


def test_the_program_card_and_editor_say_the_phase_and_the_next(console, clinician):
    program = phased_program(clinician, TemplatePhase.Advance.DATE)
    for path in (f"/clinic/patients/{program.patient_id}/", f"/clinic/programs/{program.pk}/"):
        page = console.get(path).content.decode()
        assert "Phase 1 of 3 · Mobility and activation · since 2 Mar 2026" in page, path
        assert "next: Strength on 16 Mar 2026" in page, path


def test_a_phase_suggestion_is_accepted_from_the_worklist(console, clinician):
    program = phased_program(clinician, TemplatePhase.Advance.APPROVAL)
    page = console.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert "next: Strength once you approve it, due 16 Mar 2026" in page
    assert phases_daily_pass()["raised"] == 1
    suggestion = Suggestion.objects.get()
    worklist = console.get("/clinic/").content.decode()
    assert "Ready for the next phase" in worklist and "Ada Runner" in worklist
    assert "Move on to phase 2: Strength" in worklist
    response = console.post(f"/clinic/suggestions/{suggestion.pk}/accept/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Accepted" in response.content
    program.refresh_from_db()
    assert (program.phase.name, program.version) == ("Strength", 2)
    page = console.get(f"/clinic/programs/{program.pk}/").content.decode()
    assert "Phase 2 of 3 · Strength · since 16 Mar 2026" in page


def test_a_phased_protocol_shows_its_phases_and_an_edit_keeps_them(console, clinician):
    program = phased_program(clinician, TemplatePhase.Advance.APPROVAL)
    template = program.template
    page = console.get(f"/clinic/protocols/{template.pk}/").content.decode()
    assert "Phase 2: Strength · 2 weeks" in page
    assert "once you approve the suggestion" in page
    response = console.post(
        f"/clinic/protocols/{template.pk}/", {"name": "Renamed", "description": "Still phased."}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Renamed" and template.phases.count() == 3
    assert template.items.filter(phase__isnull=False).count() == 3
    program.refresh_from_db()
    assert program.phase.order == 1


def test_the_patient_page_counts_a_finished_pause_in_the_phase_and_the_calendar(console, clinician):
    from programs.models import ProgramPause

    program = phased_program(clinician, TemplatePhase.Advance.DATE)
    # Paused Thursday 5 to Saturday 7 March (the end is exclusive): three days later.
    ProgramPause.objects.create(program=program, start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 8))
    page = console.get(f"/clinic/patients/{program.patient_id}/").content.decode()
    assert "next: Strength on 19 Mar 2026" in page
    for day in ("Thu 5 Mar", "Fri 6 Mar", "Sat 7 Mar"):
        assert f"<tr><td>{day}</td><td>Paused</td>" in page
    assert "<tr><td>Sun 8 Mar</td><td>Paused</td>" not in page
