"""Who must pass a second factor before using the console or the admin."""

import functools
import operator

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django_otp import device_classes, user_has_device

# Set by `with_second_factor_state` on a user loaded for a session.
HAS_DEVICE = "has_confirmed_otp_device"


def with_second_factor_state(users: QuerySet) -> QuerySet:
    """Users with what the gate asks of each request in the same row: their clinic
    membership and its clinic, and whether they have a confirmed authenticator (as
    django-otp's user_has_device answers it), so the gate costs no query of its own."""
    confirmed = [
        Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
        for model in device_classes()
    ]
    flag = (
        ExpressionWrapper(functools.reduce(operator.or_, confirmed), output_field=BooleanField())
        if confirmed
        else Value(False)
    )
    return users.select_related("clinician__clinic").annotate(**{HAS_DEVICE: flag})


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
