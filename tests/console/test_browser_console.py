"""The console in a real browser: sign in, act on an alert, add a patient, read a
patient's page; axe-core on every page."""

import re
from pathlib import Path

import pytest
from django.core import mail

from programs.models import Alert
from tests import factories
from tests.browser import axe_serious_violations, screenshot
from tests.console.conftest import seeded_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    page.set_default_timeout(30_000)  # the shared 2-core machine can be slow to answer
    page.goto(f"{live_server.url}/clinic/")
    assert "/clinic/login/" in page.url
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/clinic/")


def assert_accessible(page, name: str):
    screenshot(page, name)
    violations = axe_serious_violations(page)
    assert violations == [], [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]


@pytest.fixture
def staff():
    clinic = factories.ClinicFactory(name="Riverside Physio")
    user = factories.UserFactory(first_name="Ana", last_name="Silva")
    clinician = factories.ClinicianFactory(clinic=clinic, user=user)
    return clinician


def test_sign_in_page_is_accessible_and_sign_out_works(live_server, page, staff):
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/clinic/login/")
    assert_accessible(page, "console-login")
    sign_in(page, live_server, staff.user)
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Today", "Patients", "Alerts"):
        assert nav.get_by_role("link", name=name).is_visible()
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/clinic/login/"))
    page.goto(f"{live_server.url}/clinic/patients/")
    assert "/clinic/login/" in page.url


def test_wrong_password_shows_the_error_beside_a_role_alert(live_server, page, staff):
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/clinic/login/")
    page.get_by_label("Email").fill(staff.user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "Enter the email and password" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "console-login-error")


def test_high_pain_alert_shows_its_note_and_resolves_in_place(live_server, page, staff):
    from programs.services.alerts import alerts_raise_high_pain

    patient, _, _, logs = seeded_patient(
        staff.clinic, staff, pain=lambda n: 8 if n == 1 else 3, note="Sharp pain after running"
    )
    alerts_raise_high_pain(logs=logs, clinic_id=staff.clinic_id)
    sign_in(page, live_server, staff.user)
    card = page.locator(".alert-card", has_text=str(patient))
    assert "Pain 8/10" in card.inner_text()
    assert "Dead bug" in card.inner_text()
    assert "Sharp pain after running" in card.inner_text()
    assert_accessible(page, "console-worklist")
    card.get_by_role("button", name="Resolve").click()
    page.locator(".alert-card--resolved", has_text=str(patient)).wait_for()
    assert page.url == f"{live_server.url}/clinic/"  # in place, no navigation
    alert = Alert.objects.get(patient=patient)
    assert alert.status == Alert.Status.RESOLVED
    assert alert.resolved_by_id == staff.user_id


def test_add_patient_sends_the_invite_and_shows_the_code_once(live_server, page, staff):
    sign_in(page, live_server, staff.user)
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Add patient").click()
    page.get_by_role("button", name="Add patient").click()  # empty: errors
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "console-add-patient-errors")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Marsh")
    page.get_by_label("Email").fill("jo.marsh@example.com")
    page.get_by_label("Time zone").select_option("America/Denver")
    page.get_by_role("button", name="Add patient").click()
    code = page.locator(".code-once").inner_text()
    assert len(code) == 8
    assert_accessible(page, "console-invite-code")
    (message,) = mail.outbox
    assert message.to == ["jo.marsh@example.com"]
    assert code in message.body
    page.goto(f"{live_server.url}/clinic/patients/?q=marsh")
    table = page.get_by_role("table")
    for header in ("Patient", "Adherence (7 days)", "Last log", "Pain", "Alerts"):
        assert table.get_by_role("columnheader", name=header).is_visible()
    assert "Jo Marsh" in table.inner_text()


def test_patient_list_and_page_show_adherence_and_pain(live_server, page, staff):
    patient, *_ = seeded_patient(staff.clinic, staff, days=30, pain=lambda n: 2 + n % 4)
    factories.PatientFactory.create_batch(3, clinic=staff.clinic)
    sign_in(page, live_server, staff.user)
    page.goto(f"{live_server.url}/clinic/patients/")
    assert_accessible(page, "console-patient-list")
    with page.expect_download() as adherence:
        page.get_by_role("button", name="Download adherence (CSV)").click()
    assert adherence.value.suggested_filename.startswith("adherence-")
    page.get_by_label("Search patients").fill(patient.user.last_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=str(patient)).click()
    for heading in ("Programs", "Adherence", "Pain", "Logs", "Alerts", "Reminders"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    calendar = page.get_by_role("figure", name=re.compile("Last 90 days"))
    assert "Done" in calendar.inner_text()
    chart = page.get_by_role("figure", name=re.compile("Daily pain"))
    assert chart.locator("svg path.average").count() == 1
    assert "Days with a pain report" in chart.inner_text()
    assert "30" in chart.get_by_role("definition").nth(4).inner_text()
    assert_accessible(page, "console-patient-page")
    with page.expect_download() as logs:
        page.get_by_role("link", name=f"Download {patient}'s logs (CSV)").click()
    assert logs.value.suggested_filename == f"patient-{patient.pk}-logs.csv"
    assert Path(logs.value.path()).read_text().count("\n") == 1 + 30


def test_another_clinics_patient_is_a_404_page(live_server, page, staff):
    other = factories.PatientFactory()  # a patient of another clinic
    sign_in(page, live_server, staff.user)
    response = page.goto(f"{live_server.url}/clinic/patients/{other.pk}/")
    assert response.status == 404
    assert str(other) not in page.content()


def test_alerts_page_is_accessible(live_server, page, staff):
    sign_in(page, live_server, staff.user)
    page.get_by_role("link", name="Alerts").click()
    assert page.get_by_role("heading", name="Alerts").is_visible()
    assert_accessible(page, "console-alerts")
