"""Token authentication: knox's hashed per-device tokens, answered with 401.

knox's own `authenticate_credentials` also loads and sweeps every other token of
the user on each request; here the token is found with its user and role rows in
one query, and expired tokens are swept by a periodic task instead
(patients.tasks.purge_expired_tokens). Together with knox's throttled expiry
refresh, an authenticated request costs one query, and none while the token's rows
are in the shared cache (patients.token_cache, which says what keeps that exact).

That query runs on every API request, and building and compiling it as a queryset
cost several times more than the database took to answer it; so it is one fixed
statement over the models' own columns (what `select_related("user",
"user__patient", "user__clinician")` would select), and the rows are turned into
model instances with the backend's converters, the way the ORM does. On
PostgreSQL the statement is also prepared once per connection (config.db):
planning it cost several times more than executing it.
"""

import binascii
from hmac import compare_digest

from django.conf import settings
from django.db.models import Model
from django.utils.timezone import now
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from config.db import JoinedRows, ModelColumns
from patients.models import Clinician, Patient, User
from patients.token_cache import token_rows_cached, token_rows_store

INVALID = "Invalid or expired token."


_TOKEN = ModelColumns(get_token_model(), "token")
_USER = ModelColumns(User, "u")
_PATIENT = ModelColumns(Patient, "patient")
_CLINICIAN = ModelColumns(Clinician, "clinician")
_PARTS = (_TOKEN, _USER, _PATIENT, _CLINICIAN)
_ROWS = JoinedRows(_PARTS)
TOKEN_SQL = (
    f"SELECT {_ROWS.columns}"  # noqa: S608 (model metadata only)
    f" FROM {_TOKEN.model._meta.db_table} token"
    f" JOIN {User._meta.db_table} u ON u.id = token.user_id"
    f" LEFT JOIN {Patient._meta.db_table} patient ON patient.user_id = u.id"
    f" LEFT JOIN {Clinician._meta.db_table} clinician ON clinician.user_id = u.id"
    " WHERE token.token_key = %s"
)
_TOKEN_USER = _TOKEN.model._meta.get_field("user")
_ROLE_USER = (Patient._meta.get_field("user"), Clinician._meta.get_field("user"))


def _token_rows(token_key: str) -> list[tuple]:
    """The row values of the tokens with this key (each with its user and role rows,
    a missing role row as absent, as with select_related), converted as the ORM
    converts them: one tuple of values per model."""
    return _ROWS.fetch(TOKEN_SQL, [token_key])


def _token_with_user(values: tuple) -> Model:
    """The token of one row, with .user, .user.patient and .user.clinician loaded."""
    token, user, *roles = (
        part.build(part_values) for part, part_values in zip(_PARTS, values, strict=True)
    )
    _TOKEN_USER.set_cached_value(token, user)
    for role, link in zip(roles, _ROLE_USER, strict=True):
        link.remote_field.set_cached_value(user, role)
        if role is not None:
            link.set_cached_value(role, user)
    return token


def _expired(auth_token, now) -> bool:
    return (auth_token.expiry is not None and auth_token.expiry < now) or (
        auth_token.created + settings.TOKEN_MAX_AGE < now
    )


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; expired or revoked tokens answer 401.

    A token expires after TOKEN_TTL without use and, however often it is used,
    TOKEN_MAX_AGE after it was created."""

    def authenticate_header(self, request):
        return "Token"

    def authenticate_credentials(self, token: bytes):
        try:
            token_text = token.decode("utf-8")
            digest = hash_token(token_text)
        except (UnicodeDecodeError, TypeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(INVALID) from None
        cached = token_rows_cached(digest)
        if cached is not None:
            auth_token = _token_with_user(cached)
            # An entry that looks expired is judged by the database below.
            if compare_digest(digest, auth_token.digest) and not _expired(auth_token, now()):
                return self._accept(auth_token)
        for values in _token_rows(token_text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            auth_token = _token_with_user(values)
            if not compare_digest(digest, auth_token.digest):
                continue
            if _expired(auth_token, now()):
                auth_token.delete()
                break
            token_rows_store(digest, values)
            return self._accept(auth_token)
        raise exceptions.AuthenticationFailed(INVALID)

    def _accept(self, auth_token):
        if knox_settings.AUTO_REFRESH and auth_token.expiry:
            self.renew_token(auth_token)
        return self.validate_user(auth_token)
