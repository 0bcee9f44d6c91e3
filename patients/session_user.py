"""The user of a signed-in browser session, in one fixed statement.

Every console and admin page loads its session's user with their clinic membership
and whether they have a confirmed authenticator (the second-factor gate and the
console's clinic scoping read both). As a queryset (select_related plus an EXISTS per
device class) that cost about 1.5 ms of CPU to build and compile, ten times what the
database took to answer; so, like the token statement of the API (patients.auth), it
is one fixed statement over the models' own columns, prepared on PostgreSQL, whose
rows become model instances the way the ORM builds them.
"""

import functools

from django.contrib.auth.base_user import AbstractBaseUser
from django_otp import device_classes

from config.db import JoinedRows, ModelColumns
from config.web.two_factor import HAS_DEVICE
from patients.models import Clinic, Clinician, User

_USER = ModelColumns(User, "u")
_CLINICIAN = ModelColumns(Clinician, "clinician")
_CLINIC = ModelColumns(Clinic, "clinic")
_ROWS = JoinedRows((_USER, _CLINICIAN, _CLINIC), extra=1)
_CLINICIAN_USER = Clinician._meta.get_field("user")
_CLINICIAN_CLINIC = Clinician._meta.get_field("clinic")


@functools.cache
def session_user_sql() -> str:
    """Built at first use: the device classes are the installed django-otp plugins."""
    confirmed = [
        f"EXISTS (SELECT 1 FROM {model._meta.db_table} device"  # noqa: S608 (model metadata only)
        f' WHERE device."{model._meta.get_field("user").column}" = u.id'
        f' AND device."{model._meta.get_field("confirmed").column}")'
        for model in device_classes()
    ]
    has_device = " OR ".join(confirmed) if confirmed else "1 = 0"
    return (
        f"SELECT {_ROWS.columns}, ({has_device})"  # noqa: S608 (model metadata only)
        f" FROM {User._meta.db_table} u"
        f" LEFT JOIN {Clinician._meta.db_table} clinician ON clinician.user_id = u.id"
        f" LEFT JOIN {Clinic._meta.db_table} clinic ON clinic.id = clinician.clinic_id"
        " WHERE u.id = %s"
    )


def session_user(user_id) -> AbstractBaseUser | None:
    """The user with this id, or None; with `.clinician` and its `.clinic` loaded (a
    user who is no clinician has none, as with select_related) and the
    second-factor flag that config.web.two_factor reads."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    rows = _ROWS.fetch(session_user_sql(), [user_id])
    if not rows:
        return None
    user_values, clinician_values, clinic_values, has_device = rows[0]
    user = _USER.build(user_values)
    clinician = _CLINICIAN.build(clinician_values)
    _CLINICIAN_USER.remote_field.set_cached_value(user, clinician)
    if clinician is not None:
        _CLINICIAN_USER.set_cached_value(clinician, user)
        _CLINICIAN_CLINIC.set_cached_value(clinician, _CLINIC.build(clinic_values))
    setattr(user, HAS_DEVICE, bool(has_device))
    return user
