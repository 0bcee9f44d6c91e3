"""Sign-in tokens: one per device, named, and all revoked when the password changes.

Setting a password (activation, reset, the admin, Django's SetPasswordForm) or
deactivating an account ends every session of that user: `User.save` reports
both through `account_credentials_changed` below (connected in `patients.apps`).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from knox.models import get_token_model

from patients.models import TokenSession, User


def token_create(*, user: User, device_name: str = "") -> tuple[object, str]:
    """A new token for one device; returns the row and the plain token (shown once)."""
    with transaction.atomic():
        instance, token = get_token_model().objects.create(user=user)
        TokenSession.objects.create(token=instance, device_name=device_name or "")
    return instance, token


def token_expires_at(instance) -> dt.datetime:
    """The earlier of the idle expiry and the absolute end of the token's life."""
    absolute = instance.created + settings.TOKEN_MAX_AGE
    return min(instance.expiry, absolute) if instance.expiry else absolute


def user_tokens_revoke(*, user_id: int, except_digest: str | None = None) -> int:
    """Delete every token of the user (all devices signed out), but `except_digest`."""
    model = get_token_model()
    tokens = model.objects.filter(user_id=user_id)
    if except_digest is not None:
        tokens = tokens.exclude(digest=except_digest)
    _, per_model = tokens.delete()
    return per_model.get(model._meta.label, 0)


def session_revoke(*, user: User, session_id: int) -> bool:
    """Sign one of the user's own devices out; False when it is not theirs."""
    session = (
        TokenSession.objects.filter(pk=session_id, token__user=user).select_related("token").first()
    )
    if session is None:
        return False
    session.token.delete()
    return True


def account_credentials_changed(sender, instance: User, created: bool, **kwargs) -> None:
    """post_save of User: a new password or a deactivation ends all sessions, and a
    deactivation also expires unused invite codes."""
    if created:
        return
    # Django keeps the raw password in `_password` from set_password() until the save
    # completes; its own hash upgrade on login clears it first, so that one is not
    # a password change.
    if instance._password is not None or not instance.is_active:
        user_tokens_revoke(user_id=instance.pk)
    if not instance.is_active:
        from patients.services.invites import activation_codes_expire

        activation_codes_expire(user_id=instance.pk)
