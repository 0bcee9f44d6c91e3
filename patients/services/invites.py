"""Invites: short, single-use, expiring activation codes, stored only as hashes."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from patients.models import ActivationCode, Patient
from patients.signals import patient_activated

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read off a screen or an email and typed.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
CODE_TTL = dt.timedelta(days=settings.ACTIVATION_CODE_TTL_DAYS)


class ActivationError(Exception):
    """The code is unknown, used or expired, or its account cannot be activated by a
    code (it has a password or is deactivated); one message for all of them."""


class InviteRefused(Exception):
    """The account has a password or is deactivated: a code would be a back door
    (someone who lost access resets their password instead)."""


def invitable(patient: Patient) -> bool:
    user = patient.user
    return user.is_active and not user.has_usable_password()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def activation_code_issue(*, patient: Patient) -> str:
    """A new code for `patient`; earlier unused codes stop working. Returns the plain code.

    Raises InviteRefused for an account that has a password or is deactivated.
    """
    if not invitable(patient):
        raise InviteRefused()
    now = timezone.now()
    with transaction.atomic():
        ActivationCode.objects.filter(patient=patient, used_at__isnull=True).update(expires_at=now)
        code = new_code()
        ActivationCode.objects.create(
            patient=patient, code_hash=hash_code(code), expires_at=now + CODE_TTL
        )
    return code


def activation_codes_expire(*, user_id: int) -> int:
    """Every unused code of this user's patient stops working (on deactivation)."""
    return ActivationCode.objects.filter(
        patient__user_id=user_id, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(expires_at=timezone.now())


def activation_code_redeem(*, code: str, password: str) -> Patient:
    """Spend a code once and set the patient's password.

    The password is checked before the code is looked up, so a weak password
    answers the same whether or not the code exists (a guessed code cannot be
    tested without being spent). The code row is locked and marked used in the same
    transaction, so two simultaneous activations with one code cannot both succeed.
    Raises ActivationError for an unknown, used or expired code, or one whose
    account has a password or is deactivated (never re-activated here), and
    Django's ValidationError for a password the validators reject. (A placeholder
    account for an address that signs in elsewhere is inactive, so it is refused too.)
    """
    validate_password(password)
    now = timezone.now()
    with transaction.atomic():
        activation = (
            ActivationCode.objects.select_for_update()
            .select_related("patient__user")
            .filter(code_hash=hash_code(code), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if activation is None or not invitable(activation.patient):
            raise ActivationError("This code is not valid. Ask your clinic for a new one.")
        user = activation.patient.user
        validate_password(password, user=user)
        user.set_password(password)
        user.save(update_fields=["password"])
        activation.used_at = now
        activation.save(update_fields=["used_at"])
        patient_activated.send(sender=Patient, patient=activation.patient)
    return activation.patient
