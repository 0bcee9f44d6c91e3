"""Adding a patient whose address has an account in another clinic reveals nothing
to this clinic: it is answered like any new address, the account stays inactive,
and the address's owner is told by email instead of getting an invite."""

import pytest
from django.core import mail

from patients.models import Patient, User
from patients.services.invites import ActivationError, activation_code_redeem
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

SHAPE_KEYS = {"id", "email", "activated", "invite_code", "invite_expires_at"}


def add(client, email, **extra):
    body = {"first_name": "Ada", "last_name": "Runner", "email": email, "timezone": "UTC"}
    return client.post("/api/v1/patients", {**body, **extra}, format="json")


@pytest.fixture
def elsewhere():
    """A patient of another clinic who has activated their account."""
    patient = factories.PatientFactory(user__email="ada@example.com")
    patient.user.set_password("her own password 42")
    patient.user.save()
    return patient


def test_an_address_used_in_another_clinic_answers_like_a_new_one(
    clinician_client, elsewhere, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = add(clinician_client, "ADA@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        fresh = add(clinician_client, "bea@example.com", first_name="Bea")
    assert (taken.status_code, fresh.status_code) == (201, 201), taken.json()
    taken_body, fresh_body = taken.json(), fresh.json()
    assert set(taken_body) == set(fresh_body) and set(taken_body) >= SHAPE_KEYS
    assert taken_body["email"] == "ada@example.com"
    assert taken_body["activated"] is fresh_body["activated"] is False
    assert len(taken_body["invite_code"]) == len(fresh_body["invite_code"])

    # The owner of the address hears which clinic tried, and gets no code.
    told, invited = mail.outbox
    assert told.to == ["ada@example.com"] and invited.to == ["bea@example.com"]
    clinic_name = Patient.objects.get(pk=taken_body["id"]).clinic.name
    assert clinic_name in told.subject
    assert "already signs in to an account" in told.body
    assert taken_body["invite_code"] not in told.body
    assert fresh_body["invite_code"] in invited.body


def test_the_existing_account_is_untouched_and_still_signs_in(clinician_client, elsewhere):
    created = add(clinician_client, "ada@example.com").json()
    with pytest.raises(ActivationError):
        activation_code_redeem(code=created["invite_code"], password="a new password 4242")
    response = auth_client(elsewhere.user).get("/api/v1/me")
    assert response.json()["clinic"]["id"] == elsewhere.clinic_id
    login = clinician_client.__class__().post(
        "/api/v1/auth/login",
        {"email": "ada@example.com", "password": "her own password 42"},
        format="json",
    )
    assert login.status_code == 200, login.json()
    assert login.json()["role"] == "patient"
    placeholder = User.objects.get(patient__pk=created["id"])
    assert placeholder.is_active is False  # no reminders, no sign-in
    assert User.objects.filter(email="ada@example.com", is_active=True).get() == elsewhere.user


def test_a_re_invite_tells_the_owner_again(
    clinician_client, elsewhere, django_capture_on_commit_callbacks
):
    created = add(clinician_client, "ada@example.com").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(f"/api/v1/patients/{created['id']}/invite")
    assert response.status_code == 200
    assert "already signs in to an account" in mail.outbox[-1].body


def test_an_address_already_used_in_this_clinic_is_still_a_field_error(
    clinician_client, clinic, clinician
):
    factories.PatientFactory(clinic=clinic, user__email="cal@example.com")
    response = add(clinician_client, "Cal@example.com")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["A patient or clinician of this clinic already uses this email address."]
    }
    colleague = add(clinician_client, clinician.user.email)
    assert colleague.status_code == 400
    assert not mail.outbox


def test_a_clinicians_address_elsewhere_is_not_revealed_either(
    clinician_client, django_capture_on_commit_callbacks
):
    other = factories.ClinicianFactory(user__email="dr.who@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert add(clinician_client, other.user.email).status_code == 201
    (told,) = mail.outbox
    assert told.to == ["dr.who@example.com"]
    assert "already signs in to an account" in told.body
