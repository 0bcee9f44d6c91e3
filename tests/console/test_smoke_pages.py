"""Every console page answers a signed-in clinician, and only inside their clinic."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

PAGES = [
    "/clinic/",
    "/clinic/patients/",
    "/clinic/patients/new/",
    "/clinic/alerts/",
    "/clinic/library/",
    "/clinic/library/new/",
    "/clinic/protocols/",
    "/clinic/protocols/new/",
    "/clinic/account/",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_with_no_store_and_a_strict_policy(console, high_pain_patient, path):
    response = console.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert b"<script>" not in response.content and b"style=" not in response.content


@pytest.mark.parametrize("path", PAGES)
def test_each_page_sends_a_stranger_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/clinic/login/")


def test_a_patient_account_cannot_use_the_console(client, patient):
    client.force_login(patient.user)
    assert client.get("/clinic/patients/").status_code == 404


def test_object_pages_of_another_clinic_are_404(console, clinician):
    other_patient = factories.PatientFactory()
    other_program = factories.ProgramFactory(patient=other_patient)
    other_exercise = factories.ExerciseFactory(clinic=other_patient.clinic, slug="their-own")
    other_protocol = factories.ProgramTemplateFactory(clinic=other_patient.clinic)
    for path in (
        f"/clinic/patients/{other_patient.pk}/",
        f"/clinic/patients/{other_patient.pk}/programs/new/",
        f"/clinic/programs/{other_program.pk}/",
        f"/clinic/programs/{other_program.pk}/print/",
        f"/clinic/programs/{other_program.pk}/pdf/",
        f"/clinic/library/{other_exercise.slug}/",
        f"/clinic/protocols/{other_protocol.pk}/",
    ):
        response = console.get(path)
        assert response.status_code == 404, path
        assert str(other_patient).encode() not in response.content
    for path in (
        f"/clinic/patients/{other_patient.pk}/invite/",
        f"/clinic/programs/{other_program.pk}/pause/",
        f"/clinic/programs/{other_program.pk}/swap/",
    ):
        assert console.post(path).status_code == 404, path
    other_program.refresh_from_db()
    assert other_program.status == "active"


def test_global_exercise_and_protocol_pages_are_read_only(console):
    exercise = factories.ExerciseFactory(slug="bird-dog", name="Bird dog")
    protocol = factories.ProgramTemplateFactory(name="Starter")
    page = console.get(f"/clinic/library/{exercise.slug}/")
    assert b"Bird dog" in page.content and b"Save exercise" not in page.content
    assert console.post(f"/clinic/library/{exercise.slug}/", {"name": "Mine"}).status_code == 404
    assert b"Save protocol" not in console.get(f"/clinic/protocols/{protocol.pk}/").content
    assert console.post(f"/clinic/protocols/{protocol.pk}/", {"name": "x"}).status_code == 404
    exercise.refresh_from_db()
    assert exercise.name == "Bird dog"
