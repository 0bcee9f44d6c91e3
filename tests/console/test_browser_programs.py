"""Programs in a real browser: assign a protocol, change a dose (version 2 and its
history), swap for the progression, print and download the PDF."""

import datetime as dt

import pytest

from patients.timezones import local_today
from programs.models import Program, ProgramItem
from tests import factories
from tests.console.test_browser_console import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    clinic = factories.ClinicFactory(name="Harbour Chiro")
    clinician = factories.ClinicianFactory(clinic=clinic)
    patient = factories.PatientFactory(clinic=clinic, primary_clinician=clinician)
    harder = factories.ExerciseFactory(name="Dead bug with band", level=2)
    easy = factories.ExerciseFactory(name="Dead bug", progression=harder)
    bridge = factories.ExerciseFactory(name="Glute bridge", default_sets=3, default_reps=12)
    protocol = factories.ProgramTemplateFactory(name="Desk worker reset")
    factories.TemplateItemFactory(template=protocol, exercise=easy, order=1, sets=2, reps=8)
    factories.TemplateItemFactory(template=protocol, exercise=bridge, order=2, sets=3, reps=12)
    return clinician, patient


def test_assign_edit_swap_print_and_pdf(live_server, page, setting):
    clinician, patient = setting
    sign_in(page, live_server, clinician.user)
    page.goto(f"{live_server.url}/clinic/patients/{patient.pk}/")
    page.get_by_role("link", name="Assign a program").click()
    page.get_by_label("Start from a protocol").select_option(label="Desk worker reset")
    assert_accessible(page, "console-program-new")
    page.get_by_role("button", name="Assign program").click()
    program = Program.objects.get(patient=patient)
    page.wait_for_url(f"{live_server.url}/clinic/programs/{program.pk}/")
    assert "version 1" in page.locator(".lede").inner_text()

    line = page.get_by_role("group", name="Glute bridge")
    line.get_by_label("Reps").fill("15")
    page.get_by_role("button", name="Save program").click()
    assert "Program saved" in page.get_by_role("status").inner_text()
    assert "version 2" in page.locator(".lede").inner_text()
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    assert "Version 2" in history.inner_text()
    times = "\N{MULTIPLICATION SIGN}"
    assert f"3 {times} 12 reps" in history.inner_text()
    assert f"3 {times} 15 reps" in history.inner_text()
    assert_accessible(page, "console-program-edit")

    page.get_by_role("button", name="Swap for progression").click()
    assert "Swapped Dead bug for Dead bug with band" in page.get_by_role("status").inner_text()
    assert "version 3" in page.locator(".lede").inner_text()
    current = ProgramItem.objects.filter(program=program, valid_until__isnull=True)
    assert sorted(i.exercise.name for i in current) == ["Dead bug with band", "Glute bridge"]

    page.get_by_role("link", name="Printable page").click()
    assert page.get_by_role("heading", name="Dead bug with band").is_visible()
    assert_accessible(page, "console-program-print")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        body = pdf.read()
    assert body.startswith(b"%PDF")


def test_a_dose_out_of_range_is_shown_next_to_its_field(live_server, page, setting):
    clinician, patient = setting
    program = factories.ProgramFactory(patient=patient)
    factories.ProgramItemFactory(
        program=program, exercise=factories.ExerciseFactory(name="Side plank")
    )
    sign_in(page, live_server, clinician.user)
    page.goto(f"{live_server.url}/clinic/programs/{program.pk}/")
    page.get_by_role("group", name="Side plank").get_by_label("Sets").fill("50")
    page.get_by_role("button", name="Save program").click()
    assert "Sets" in page.get_by_role("alert").inner_text()
    assert page.locator(".field--error .field-error").first.is_visible()
    program.refresh_from_db()
    assert program.version == 1
    assert_accessible(page, "console-program-error")


def test_a_pause_from_an_earlier_day_and_a_refused_day_beside_its_field(live_server, page, setting):
    clinician, patient = setting
    today = local_today(patient.timezone)
    program = factories.ProgramFactory(patient=patient, start_date=today - dt.timedelta(days=10))
    factories.ProgramItemFactory(program=program)
    sign_in(page, live_server, clinician.user)
    page.goto(f"{live_server.url}/clinic/programs/{program.pk}/")
    day = page.get_by_label("First paused day")
    assert day.input_value() == today.isoformat()

    day.fill((program.start_date - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Pause").click()
    assert "a pause cannot begin before it" in page.get_by_role("alert").inner_text()
    assert "a pause cannot begin before it" in page.locator("#id_pause-start_error").inner_text()
    assert_accessible(page, "console-program-pause-error")
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE

    page.get_by_label("First paused day").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Pause").click()
    assert "Program paused from" in page.get_by_role("status").inner_text()
    program.refresh_from_db()
    assert program.status == Program.Status.PAUSED
    assert program.pauses.get().start == today - dt.timedelta(days=3)
