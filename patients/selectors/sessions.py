"""Reads on sign-in sessions: the caller's devices."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from patients.models import TokenSession, User
from patients.services.sessions import token_expires_at


@dataclass(frozen=True)
class SessionRow:
    id: int
    device_name: str
    created_at: dt.datetime
    last_used_at: dt.datetime
    expires_at: dt.datetime
    current: bool


def sessions_for_user(*, user: User, current_digest: str | None) -> list[SessionRow]:
    """The user's live sessions, most recently used first."""
    now = timezone.now()
    idle = settings.REST_KNOX["TOKEN_TTL"]
    rows = []
    sessions = TokenSession.objects.filter(token__user=user, token__expiry__gt=now).select_related(
        "token"
    )
    for session in sessions:
        token = session.token
        expires_at = token_expires_at(token)
        if expires_at <= now:
            continue
        rows.append(
            SessionRow(
                id=session.pk,
                device_name=session.device_name,
                created_at=token.created,
                last_used_at=max(token.created, token.expiry - idle),
                expires_at=expires_at,
                current=token.digest == current_digest,
            )
        )
    rows.sort(key=lambda row: (row.last_used_at, row.id), reverse=True)
    return rows
