"""Changing a patient's email reveals nothing about other clinics: the API and the
admin answer the same whether or not the new address signs in to an account
elsewhere; the change waits for the new address to confirm it."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from patients.admin_scoping import grant_clinic_staff_permissions
from patients.models import ActivationCode, Patient, User
from tests import factories

pytestmark = pytest.mark.django_db

TAKEN = "ada@example.com"  # signs in to an account in clinic B
FREE = "bea.new@example.com"


@pytest.fixture
def clinic_b_patient():
    return factories.PatientFactory(user__email=TAKEN)


@pytest.fixture
def pair(clinic):
    """Two patients of clinic A, both activated."""
    return (
        factories.PatientFactory(clinic=clinic, user__email="one@example.com"),
        factories.PatientFactory(clinic=clinic, user__email="two@example.com"),
    )


def link_in(message) -> str:
    (path,) = re.findall(r"https?://[^/\s]+(/account/email/[^\s]+/)", message.body)
    return path


def strip_ids(body: dict) -> dict:
    skip = {"id", "first_name", "last_name", "email", "created_at", "updated_at"}
    return {k: v for k, v in body.items() if k not in skip}


# --- the API ----------------------------------------------------------------------------
def test_patch_answers_the_same_for_an_address_used_in_another_clinic(
    clinician_client, pair, clinic_b_patient, django_capture_on_commit_callbacks
):
    one, two = pair
    with django_capture_on_commit_callbacks(execute=True):
        taken = clinician_client.patch(f"/api/v1/patients/{one.pk}", {"email": TAKEN.upper()})
    with django_capture_on_commit_callbacks(execute=True):
        free = clinician_client.patch(f"/api/v1/patients/{two.pk}", {"email": FREE})

    assert (taken.status_code, free.status_code) == (200, 200), taken.json()
    assert strip_ids(taken.json()) == strip_ids(free.json())
    # Neither address is applied yet.
    assert (taken.json()["email"], free.json()["email"]) == ("one@example.com", "two@example.com")
    one.user.refresh_from_db()
    assert one.user.email == "one@example.com"

    notice, confirm = mail.outbox
    assert notice.to == [TAKEN] and confirm.to == [FREE]
    assert one.clinic.name in notice.subject and "already signs in" in notice.body
    assert "/account/email/" not in notice.body
    assert "/account/email/" in confirm.body
    # The owner's account in clinic B is untouched.
    clinic_b_patient.user.refresh_from_db()
    assert clinic_b_patient.user.email == TAKEN and clinic_b_patient.user.is_active


def test_the_change_takes_effect_when_the_link_is_followed(
    clinician_client, pair, django_capture_on_commit_callbacks
):
    one, _ = pair
    with django_capture_on_commit_callbacks(execute=True):
        clinician_client.patch(f"/api/v1/patients/{one.pk}", {"email": FREE, "last_name": "Nu"})
    path = link_in(mail.outbox[0])
    one.user.refresh_from_db()
    assert (one.user.email, one.user.last_name) == ("one@example.com", "Nu")

    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200 and "Use this email address" in page.content.decode()
    one.user.refresh_from_db()
    assert one.user.email == "one@example.com"  # a visit (mail scanners) changes nothing

    done = browser.post(path)
    assert done.status_code == 200, done.content
    one.user.refresh_from_db()
    assert one.user.email == FREE and one.user.is_active
    assert clinician_client.get(f"/api/v1/patients/{one.pk}").json()["email"] == FREE
    # Used once: the same link does nothing again.
    assert browser.post(path).status_code == 404


def test_a_link_is_refused_if_the_address_came_to_sign_in_elsewhere(
    clinician_client, pair, django_capture_on_commit_callbacks
):
    one, _ = pair
    with django_capture_on_commit_callbacks(execute=True):
        clinician_client.patch(f"/api/v1/patients/{one.pk}", {"email": FREE})
    factories.PatientFactory(user__email=FREE)  # activated in another clinic meanwhile

    response = Client().post(link_in(mail.outbox[0]))

    assert response.status_code == 409
    one.user.refresh_from_db()
    assert one.user.email == "one@example.com"
    assert User.objects.filter(email=FREE, is_active=True).count() == 1


def test_a_patient_who_had_not_activated_gets_an_invite_at_the_new_address(
    clinician_client, clinic, clinic_b_patient, django_capture_on_commit_callbacks
):
    """Added with clinic B's patient's address, the account was left inactive; the
    clinic corrects the address, the new one confirms, and it can now be activated."""
    with django_capture_on_commit_callbacks(execute=True):
        created = clinician_client.post(
            "/api/v1/patients",
            {"first_name": "Ada", "last_name": "L", "email": TAKEN, "timezone": "UTC"},
        ).json()
        clinician_client.patch(f"/api/v1/patients/{created['id']}", {"email": FREE})
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(link_in(mail.outbox[-1])).status_code == 200

    user = Patient.objects.get(pk=created["id"]).user
    assert (user.email, user.is_active) == (FREE, True)
    invite = mail.outbox[-1]
    assert invite.to == [FREE]
    assert ActivationCode.objects.filter(patient_id=created["id"], used_at__isnull=True).exists()


def test_an_address_used_in_the_same_clinic_is_still_refused_and_nothing_changes(
    clinician_client, pair
):
    one, two = pair
    response = clinician_client.patch(
        f"/api/v1/patients/{one.pk}", {"email": two.user.email, "last_name": "Changed"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["A patient or clinician of this clinic already uses this email address."]
    }
    one.user.refresh_from_db()
    assert one.user.last_name != "Changed"
    assert not mail.outbox


def test_a_broken_link_is_a_404(clinician_client):
    assert Client().get("/account/email/not-a-token/").status_code == 404


# --- the admin --------------------------------------------------------------------------
@pytest.fixture
def staff(clinician):
    user = clinician.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    grant_clinic_staff_permissions(user)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def admin_form(patient: Patient, **changes) -> dict:
    data = {
        "email": patient.user.email,
        "first_name": patient.user.first_name,
        "last_name": patient.user.last_name,
        "timezone": patient.timezone,
        "reminders_enabled": "on",
        "reminder_time": "18:00",
        "remind_by_email": "on",
    }
    return {**data, **changes}


def change_url(patient: Patient) -> str:
    return reverse("admin:patients_patient_change", args=[patient.pk])


def test_admin_change_answers_the_same_for_an_address_used_in_another_clinic(
    staff, pair, clinic_b_patient, django_capture_on_commit_callbacks
):
    one, two = pair
    with django_capture_on_commit_callbacks(execute=True):
        taken = staff.post(change_url(one), admin_form(one, email=TAKEN), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        free = staff.post(change_url(two), admin_form(two, email=FREE), follow=True)

    for response, email in ((taken, TAKEN), (free, FREE)):
        assert response.status_code == 200
        assert not response.context.get("errors"), response.context.get("errors")
        notices = [str(m) for m in response.context["messages"]]
        assert any(f"A confirmation link was emailed to {email}" in n for n in notices)
    one.user.refresh_from_db()
    two.user.refresh_from_db()
    assert (one.user.email, two.user.email) == ("one@example.com", "two@example.com")
    assert [m.to for m in mail.outbox] == [[TAKEN], [FREE]]
    assert "/account/email/" not in mail.outbox[0].body


def test_admin_add_with_an_address_used_in_another_clinic_adds_the_patient(
    staff, clinic, clinic_b_patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:patients_patient_add"),
            {
                "email": TAKEN,
                "first_name": "Ada",
                "last_name": "Second",
                "timezone": "UTC",
                "reminder_time": "18:00",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "Invite code for Ada Second" in response.content.decode()
    added = Patient.objects.get(clinic=clinic, user__last_name="Second")
    assert added.user.is_active is False
    (told,) = mail.outbox
    assert told.to == [TAKEN] and "already signs in to an account" in told.body


def test_admin_refuses_an_address_used_in_the_same_clinic(staff, pair):
    one, two = pair
    response = staff.post(change_url(one), admin_form(one, email=two.user.email))
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["email"] == [
        "A patient or clinician of this clinic already uses this email address."
    ]
    assert not mail.outbox
