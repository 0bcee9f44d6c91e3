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
import weakref
from collections.abc import Callable, Sequence
from hmac import compare_digest

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.utils.timezone import now
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from config.db import preparing_cursor
from patients.models import Clinician, Patient, User
from patients.token_cache import token_rows_cached, token_rows_store

INVALID = "Invalid or expired token."


class _Loaded:
    """One model's columns in the token statement, and how to build its instance."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.pk_index = self.attnames.index(model._meta.pk.attname)

    def converters(self, connection) -> list[tuple[int, list[Callable]]]:
        found = []
        for index, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if converters:
                found.append((index, [(converter, col) for converter in converters]))
        return found

    def convert(self, values: Sequence, converters, connection) -> tuple | None:
        if values[self.pk_index] is None:
            return None  # no row on the LEFT JOIN's side
        values = list(values)
        for index, chain in converters:
            for converter, col in chain:
                values[index] = converter(values[index], col, connection)
        return tuple(values)

    def build(self, values: tuple | None) -> Model | None:
        if values is None:
            return None
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


_TOKEN = _Loaded(get_token_model(), "token")
_USER = _Loaded(User, "u")
_PATIENT = _Loaded(Patient, "patient")
_CLINICIAN = _Loaded(Clinician, "clinician")
_PARTS = (_TOKEN, _USER, _PATIENT, _CLINICIAN)
TOKEN_SQL = (
    f"SELECT {', '.join(part.columns for part in _PARTS)}"  # noqa: S608 (model metadata only)
    f" FROM {_TOKEN.model._meta.db_table} token"
    f" JOIN {User._meta.db_table} u ON u.id = token.user_id"
    f" LEFT JOIN {Patient._meta.db_table} patient ON patient.user_id = u.id"
    f" LEFT JOIN {Clinician._meta.db_table} clinician ON clinician.user_id = u.id"
    " WHERE token.token_key = %s"
)
_BOUNDS = []
for _part in _PARTS:
    _start = _BOUNDS[-1][1] if _BOUNDS else 0
    _BOUNDS.append((_start, _start + len(_part.fields)))
_TOKEN_USER = _TOKEN.model._meta.get_field("user")
_ROLE_USER = (Patient._meta.get_field("user"), Clinician._meta.get_field("user"))
# Converters are bound to one connection (one per thread): computed once for each.
_converters: "weakref.WeakKeyDictionary[object, list]" = weakref.WeakKeyDictionary()


def _token_rows(token_key: str) -> list[tuple]:
    """The row values of the tokens with this key (each with its user and role rows,
    a missing role row as absent, as with select_related), converted as the ORM
    converts them: one tuple of values per model."""
    connection = connections[DEFAULT_DB_ALIAS]
    converters = _converters.get(connection)
    if converters is None:
        converters = _converters[connection] = [part.converters(connection) for part in _PARTS]
    with preparing_cursor(connection) as cursor:
        cursor.execute(TOKEN_SQL, [token_key])
        rows = cursor.fetchall()
    return [
        tuple(
            part.convert(row[a:b], conv, connection)
            for part, (a, b), conv in zip(_PARTS, _BOUNDS, converters, strict=True)
        )
        for row in rows
    ]


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
