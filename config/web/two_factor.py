"""Who must pass a second factor before using the console or the admin."""

from django.contrib.auth.base_user import AbstractBaseUser
from django_otp import user_has_device


def clinic_requires_two_factor(user: AbstractBaseUser) -> bool:
    clinician = getattr(user, "clinician", None)
    return bool(clinician is not None and clinician.clinic.require_two_factor)


def second_factor_needed(user: AbstractBaseUser) -> str | None:
    """None when the user may go on; "verify" when they have an authenticator and
    have not used it this session; "setup" when their clinic requires one and they
    have none yet."""
    if not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user):
        return "verify"
    if clinic_requires_two_factor(user):
        return "setup"
    return None
