"""Writes on a clinic's patients: create with an invite, update, re-invite.

An email change waits for the new address to confirm it (patients.services.email_change).

An address that already has an account in another clinic (or is a clinician's)
is not refused: saying so would tell the clinic that this person is a patient
somewhere. The patient is created as for any address, with an invite code, but
their account stays inactive and the code cannot be redeemed (one address signs
in to one account); instead of the invite, the address's owner gets an email
saying which clinic tried to add them and to give that clinic another address.
Only an address already used in the same clinic is refused.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from patients.models import Clinic, Clinician, Patient, User
from patients.services.email_change import (
    EmailTaken,
    patient_email_change_request,
    patient_email_check,
)
from patients.services.invites import CODE_TTL, InviteRefused, activation_code_issue, new_code
from patients.signals import patient_clinic_changed
from patients.timezones import zone

AlreadyActivated = InviteRefused  # the patient has a password or is deactivated


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: dt.datetime


def email_taken(email: str, *, exclude_user_id: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.exists()


def address_has_account(user: User) -> bool:
    """Another, active account signs in with this user's address."""
    return (
        User.objects.filter(email__iexact=user.email, is_active=True).exclude(pk=user.pk).exists()
    )


def patient_create(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    email: str,
    timezone_name: str,
    primary_clinician: Clinician | None = None,
) -> tuple[Patient, Invite]:
    """A patient who cannot sign in until they redeem the emailed invite code.

    The invite email leaves only once the transaction has committed. Raises
    EmailTaken when the address is already used in this clinic; an address with an
    account elsewhere is handled as the module says.
    """
    try:
        with transaction.atomic():
            # The clinic's patient creations take turns, so one address is added once.
            list(Clinic.objects.select_for_update().filter(pk=clinic.pk).values_list("pk"))
            email = patient_email_check(email=email, clinic_id=clinic.pk)
            taken_elsewhere = User.objects.filter(email__iexact=email, is_active=True).exists()
            user = User(
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_active=not taken_elsewhere,
            )
            user.set_unusable_password()
            user.save()
            patient = Patient.objects.create(
                user=user,
                clinic=clinic,
                timezone=timezone_name,
                primary_clinician=primary_clinician,
            )
            invite = _invite(patient)
    except IntegrityError as exc:  # the same address registered a moment ago
        raise EmailTaken(email) from exc
    return patient, invite


def patient_invite(*, patient: Patient) -> Invite:
    """A fresh invite code (earlier unused ones stop working), emailed to the patient."""
    with transaction.atomic():
        return _invite(patient)


def _invite(patient: Patient) -> Invite:
    if not patient.user.is_active and address_has_account(patient.user):
        # The answer looks like any invite, but the code is never stored: nothing can
        # redeem it, and the address's owner is told instead.
        invite = Invite(code=new_code(), expires_at=timezone.now() + CODE_TTL)
        transaction.on_commit(lambda: account_exists_email_send(patient=patient))
        return invite
    code = activation_code_issue(patient=patient)
    invite = Invite(code=code, expires_at=timezone.now() + CODE_TTL)
    transaction.on_commit(lambda: invite_email_send(patient=patient, invite=invite))
    return invite


def account_exists_email_send(*, patient: Patient) -> None:
    """Tells an address's owner that a clinic tried to add them with it. Failures raise."""
    context = {
        "first_name": patient.user.first_name,
        "clinic_name": patient.clinic.name,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("patients/email/account_exists_subject.txt", context).strip(),
        body=render_to_string("patients/email/account_exists.txt", context),
        to=[patient.user.email],
    )
    message.attach_alternative(
        render_to_string("patients/email/account_exists.html", context), "text/html"
    )
    message.send(fail_silently=False)


def invite_email_send(*, patient: Patient, invite: Invite) -> None:
    """The welcome email with the code, as text and HTML. Failures raise."""
    context = {
        "first_name": patient.user.first_name,
        "clinic_name": patient.clinic.name,
        "code": invite.code,
        "expires_on": timezone.localtime(invite.expires_at, zone(patient.timezone)).date(),
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("patients/email/invite_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("patients/email/invite.txt", context),
        to=[patient.user.email],
    )
    message.attach_alternative(render_to_string("patients/email/invite.html", context), "text/html")
    message.send(fail_silently=False)


def patient_update(*, patient: Patient, data: dict) -> Patient:
    """Change name, email, time zone or primary clinician; only the given fields.

    A new email address is not applied here: patient_email_change_request asks the
    address to confirm it. Raises EmailTaken (and changes nothing) when the clinic
    already uses the address."""
    user = patient.user
    user_fields = [f for f in ("first_name", "last_name") if f in data]
    for name in user_fields:
        setattr(user, name, data[name])
    patient_fields = []
    if "timezone" in data:
        patient.timezone = data["timezone"]
        patient_fields.append("timezone")
    if "primary_clinician" in data:
        patient.primary_clinician = data["primary_clinician"]
        patient_fields.append("primary_clinician")
    with transaction.atomic():
        if "email" in data:
            patient_email_change_request(patient=patient, email=data["email"])
        if user_fields:
            user.save(update_fields=user_fields)
        if patient_fields:
            patient.save(update_fields=[*patient_fields, "updated_at"])
    return patient


def patient_deactivate(*, patient: Patient) -> Patient:
    """The patient can no longer sign in and gets no reminders; their records and
    audit trail stay. Every session ends and unused invite codes expire (the account
    save hook in patients.services.sessions)."""
    user = patient.user
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return patient


def patient_clinic_changed_announce(*, patient: Patient, previous_clinic_id: int) -> None:
    """After a patient moved to another clinic: the rows above this app follow them."""
    if patient.clinic_id != previous_clinic_id:
        patient_clinic_changed.send(
            sender=Patient, patient=patient, previous_clinic_id=previous_clinic_id
        )
