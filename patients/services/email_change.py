"""A clinic changes a patient's email address: applied only once the new address confirms.

Applying the change at once would have to refuse an address that signs in to an
account in another clinic, which tells this clinic that the person is a patient (or
clinician) somewhere. So every change answers the same: nothing changes yet, and one
email goes to the new address once the transaction commits. A free address gets a
confirmation link, and the change happens when it is followed; an address that
already signs in to another account gets a notice naming the clinic instead (no
link), so one address keeps one active account. Only an address already used in the
same clinic is refused, as when adding a patient.

The link is signed (no table): it carries the account, its address when the change
was asked for and the new one, so it works once (after it the account's address is
no longer the old one), a later change makes it stale, and it expires after
PASSWORD_RESET_TIMEOUT.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from patients.models import ActivationCode, Patient, User

SALT = "patients.email-change"


class EmailTaken(Exception):
    """A patient or clinician of the same clinic already uses this address."""

    message = "A patient or clinician of this clinic already uses this email address."


class EmailChangeLinkInvalid(Exception):
    """The link is unknown, expired, already used, or overtaken by a later change."""


class EmailChangeRefused(Exception):
    """Since the link was sent, the new address came to sign in to another account."""


def normalized_email(email: str) -> str:
    return User.objects.normalize_email(email).lower()


def email_in_clinic(email: str, *, clinic_id: int, exclude_user_id: int | None = None) -> bool:
    """The address is a patient's or a clinician's of this clinic (other than the given
    account's): the one case in which a clinic may be told an address is used."""
    users = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return (
        users.filter(patient__clinic_id=clinic_id).exists()
        or users.filter(clinician__clinic_id=clinic_id).exists()
    )


def _other_active_account(email: str, *, user_id: int) -> bool:
    return User.objects.filter(email__iexact=email, is_active=True).exclude(pk=user_id).exists()


def patient_email_check(*, email: str, clinic_id: int, user_id: int | None = None) -> str:
    """The normalized address, or EmailTaken when the clinic already uses it."""
    email = normalized_email(email)
    if email_in_clinic(email, clinic_id=clinic_id, exclude_user_id=user_id):
        raise EmailTaken(email)
    return email


def patient_email_change_request(*, patient: Patient, email: str) -> bool:
    """Asks the new address to confirm; True when a change was asked for (False: the
    address is the patient's already). Raises EmailTaken as patient_email_check."""
    user = patient.user
    email = patient_email_check(email=email, clinic_id=patient.clinic_id, user_id=user.pk)
    if email == user.email:
        return False
    if _other_active_account(email, user_id=user.pk):
        transaction.on_commit(lambda: _send(patient, email, "email_change_taken", link=None))
    else:
        token = signing.dumps({"user": user.pk, "from": user.email, "to": email}, salt=SALT)
        link = settings.SITE_URL + reverse("email-change-confirm", args=[token])
        transaction.on_commit(lambda: _send(patient, email, "email_change_confirm", link=link))
    return True


def _send(patient: Patient, to: str, template: str, *, link: str | None) -> None:
    """One email to the new address, as text and HTML. Failures raise."""
    context = {
        "first_name": patient.user.first_name,
        "clinic_name": patient.clinic.name,
        "link": link,
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    base = f"patients/email/{template}"
    message = EmailMultiAlternatives(
        subject=render_to_string(f"{base}_subject.txt", context).strip(),
        body=render_to_string(f"{base}.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    message.send(fail_silently=False)


def email_change_pending(*, token: str) -> Patient:
    """The patient whose change the link confirms; raises EmailChangeLinkInvalid."""
    patient, claim = _load(token)
    if patient.user.email != claim["from"]:
        raise EmailChangeLinkInvalid()
    return patient


def _load(token: str) -> tuple[Patient, dict]:
    try:
        claim = signing.loads(token, salt=SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
        patient = Patient.objects.select_related("user", "clinic").get(user_id=claim["user"])
    except (signing.BadSignature, Patient.DoesNotExist, KeyError, TypeError) as exc:
        raise EmailChangeLinkInvalid() from exc
    return patient, claim


def email_change_confirm(*, token: str) -> Patient:
    """Applies the change the link carries. Raises EmailChangeLinkInvalid, or
    EmailChangeRefused when the address now signs in to another account (or the clinic
    has since given it to someone else): only the address's owner sees that.

    A patient who has not activated gets a fresh invite at the new address. An account
    left inactive because its first address belonged to another account (no invite
    was ever stored for it) becomes active and is invited the same way."""
    # Imported here: patients.services.patients asks this module for the rule.
    from patients.services.patients import patient_invite

    with transaction.atomic():
        patient, claim = _load(token)
        user = User.objects.select_for_update().get(pk=patient.user_id)
        if user.email != claim["from"]:
            raise EmailChangeLinkInvalid()
        patient.user, email = user, claim["to"]
        if _other_active_account(email, user_id=user.pk) or email_in_clinic(
            email, clinic_id=patient.clinic_id, exclude_user_id=user.pk
        ):
            raise EmailChangeRefused()
        placeholder = (
            not user.is_active
            and not user.has_usable_password()
            and not ActivationCode.objects.filter(patient=patient).exists()
        )
        user.email = email
        fields = ["email"]
        if placeholder:
            user.is_active = True
            fields.append("is_active")
        try:
            with transaction.atomic():
                user.save(update_fields=fields)
        except IntegrityError as exc:  # the address was activated elsewhere a moment ago
            raise EmailChangeRefused() from exc
        if user.is_active and not user.has_usable_password():
            patient_invite(patient=patient)
    return patient
