"""Who must pass a second factor before using the console or the admin."""

from django.contrib.auth.base_user import AbstractBaseUser
from django_otp import user_has_device

# Set on the user of a browser session when it is loaded (patients.session_user).
HAS_DEVICE = "has_confirmed_otp_device"


def has_confirmed_device(user: AbstractBaseUser) -> bool:
    flag = getattr(user, HAS_DEVICE, None)
    return user_has_device(user) if flag is None else flag


def clinic_requires_two_factor(user: AbstractBaseUser) -> bool:
    clinician = getattr(user, "clinician", None)
    return bool(clinician is not None and clinician.clinic.require_two_factor)


def second_factor_needed(user: AbstractBaseUser) -> str | None:
    """None when the user may go on; "verify" when they have an authenticator and
    have not used it this session; "setup" when their clinic requires one and they
    have none yet."""
    if not user.is_authenticated or user.is_verified():
        return None
    if has_confirmed_device(user):
        return "verify"
    if clinic_requires_two_factor(user):
        return "setup"
    return None
