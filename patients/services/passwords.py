"""Password reset by email, with Django's token generator, for patients and clinicians.

The request answers the same whether or not the address has an account; only an
active account that already has a password (and a role) gets an email. A patient's
link opens the web app (`/app/reset?uid=&token=`), a clinician's the console
(`/clinic/reset/<uidb64>/<token>/`, the URL shape of Django's
PasswordResetConfirmView). The token is Django's `default_token_generator`: it
stops working once the password changes or after PASSWORD_RESET_TIMEOUT.
Setting the password ends every session of the account (patients.services.sessions).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from patients.models import User


class ResetLinkInvalid(Exception):
    """The uid or token is wrong, used or expired; one message for all."""


def _resettable_user(email: str) -> User | None:
    user = (
        User.objects.filter(email__iexact=email.strip(), is_active=True)
        .select_related("patient__clinic", "clinician__clinic")
        .first()
    )
    if user is None or not user.has_usable_password():
        return None
    if not (hasattr(user, "patient") or hasattr(user, "clinician")):
        return None
    return user


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    if hasattr(user, "patient"):
        return f"{settings.SITE_URL}/app/reset?{urlencode({'uid': uid, 'token': token})}"
    return f"{settings.SITE_URL}/clinic/reset/{uid}/{token}/"


def password_reset_request(*, email: str) -> None:
    """Email a reset link if the address belongs to an active account with a
    password; do nothing otherwise (the caller answers the same either way)."""
    user = _resettable_user(email)
    if user is None:
        return
    link = password_reset_link(user)
    transaction.on_commit(lambda: password_reset_email_send(user=user, link=link))


def password_reset_email_send(*, user: User, link: str) -> None:
    role = getattr(user, "patient", None) or getattr(user, "clinician", None)
    context = {
        "first_name": user.first_name,
        "clinic_name": role.clinic.name,
        "link": link,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("patients/email/password_reset_subject.txt", context).strip(),
        body=render_to_string("patients/email/password_reset.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("patients/email/password_reset.html", context), "text/html"
    )
    message.send(fail_silently=False)


def password_reset_confirm(*, uid: str, token: str, password: str) -> User:
    """Set a new password from a reset link. Raises ResetLinkInvalid for a bad or
    spent link and Django's ValidationError for a password the validators reject."""
    try:
        user_id = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        raise ResetLinkInvalid() from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not default_token_generator.check_token(user, token):
            raise ResetLinkInvalid()
        validate_password(password, user=user)
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
