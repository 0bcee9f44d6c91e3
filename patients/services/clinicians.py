"""Clinicians: a user with a membership of one clinic, able to use the admin."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from patients.admin_scoping import grant_clinic_staff_permissions
from patients.models import Clinic, Clinician, User
from patients.services.patients import email_taken
from patients.timezones import validate_timezone_name


def _duplicate_email(email: str) -> ValidationError:
    return ValidationError({"email": [f"A user with the email {email} already exists."]})


def clinician_create(
    *,
    clinic_name: str,
    email: str,
    password: str,
    role: str = Clinician.Role.CLINICIAN,
    first_name: str = "",
    last_name: str = "",
    timezone: str = "UTC",
) -> Clinician:
    """Create a staff user and their membership of `clinic_name` (created if missing).

    Raises ValidationError, keyed by field, and writes nothing when any input is
    invalid: an empty clinic name, a malformed or taken email (case-insensitive),
    an unknown role or time zone, or a password the validators reject.
    """
    clinic_name = clinic_name.strip()
    email = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, list[str]] = {}

    def check(field: str, validate, value) -> None:
        try:
            validate(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    if not clinic_name:
        errors["clinic"] = ["A clinic name is required."]
    check("email", validate_email, email)
    if "email" not in errors and email_taken(email):
        errors.update(_duplicate_email(email).message_dict)
    if role not in Clinician.Role.values:
        allowed = ", ".join(Clinician.Role.values)
        errors["role"] = [f"{role!r} is not a role; choose one of: {allowed}."]
    check("timezone", validate_timezone_name, timezone)
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    check("password", lambda value: validate_password(value, user=candidate), password)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            clinic = Clinic.objects.filter(name__iexact=clinic_name).first()
            if clinic is None:
                clinic = Clinic.objects.create(name=clinic_name)
            user = User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                is_staff=True,
            )
            clinician = Clinician.objects.create(
                user=user, clinic=clinic, role=role, timezone=timezone
            )
            grant_clinic_staff_permissions(user)
    except IntegrityError as exc:
        # Another process took the email between the check and the insert.
        if email_taken(email):
            raise _duplicate_email(email) from exc
        raise
    return clinician
