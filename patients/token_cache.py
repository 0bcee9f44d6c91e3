"""The rows behind a sign-in token, cached by the token's digest.

Every API request authenticates a token, and its one statement (the token with its
user and role rows, patients.auth) was the largest single cost of a request that
answers from cache. So the row values are kept in the shared cache (Redis in
production) for TOKEN_CACHE_SECONDS, keyed by the token's SHA-512 digest (never by
the token), and the request reads them in one round trip instead.

Nothing cached may outlive a revocation or a change of the rows:
- a deleted token (logout, logout-all, a session signed out, a password change or a
  deactivation, an expired token swept, the admin) leaves a `revoked` marker in its
  place for a whole TOKEN_CACHE_SECONDS; a changed token (its expiry renewed), user,
  patient or clinician row leaves a `stale` marker for STALE_SECONDS. Markers are
  written at once and again when the transaction commits; entries are only ever
  added where no key is (`cache.add`), so a request that read the rows just before
  the commit cannot put them back afterwards. A request that meets a marker asks
  the database, which decides.
- expiry is checked on the cached values too, and a token that looks expired is
  judged by the database (which may have renewed it meanwhile), never deleted on
  the cache's word.
- writes that send no model signal (a queryset `update`) call `token_cache_forget_*`
  explicitly; any other is seen within TOKEN_CACHE_SECONDS.
Without a shared cache (no REDIS_URL) nothing is cached (TOKEN_CACHE_ENABLED).
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from knox.models import get_token_model

from patients.models import Clinician, Patient, User

TOKEN_CACHE_SECONDS = 60
STALE_SECONDS = 5
REVOKED = "revoked"
STALE = "stale"


def _key(digest: str) -> str:
    return f"auth:token:{digest}"


def token_rows_cached(digest: str) -> Sequence | None:
    """The cached row values of the token with this digest, or None (not cached,
    or a marker: ask the database)."""
    if not settings.TOKEN_CACHE_ENABLED:
        return None
    value = cache.get(_key(digest))
    return value if isinstance(value, tuple) else None


def token_rows_store(digest: str, values: tuple) -> None:
    if settings.TOKEN_CACHE_ENABLED:
        cache.add(_key(digest), values, TOKEN_CACHE_SECONDS)


def token_cache_forget(*, digests: Iterable[str], revoked: bool = False) -> None:
    """These tokens' cached rows are no longer the truth (gone, when `revoked`)."""
    if not settings.TOKEN_CACHE_ENABLED:
        return
    markers = {_key(digest): REVOKED if revoked else STALE for digest in set(digests)}
    if not markers:
        return
    timeout = TOKEN_CACHE_SECONDS if revoked else STALE_SECONDS

    def mark() -> None:
        cache.set_many(markers, timeout)

    mark()
    if connection.in_atomic_block:
        transaction.on_commit(mark)


def token_cache_forget_users(*, user_ids: Iterable[int]) -> None:
    """Every token of these users: their user or role rows changed."""
    user_ids = set(user_ids)
    if settings.TOKEN_CACHE_ENABLED and user_ids:
        digests = get_token_model().objects.filter(user_id__in=user_ids)
        token_cache_forget(digests=digests.values_list("digest", flat=True))


def token_cache_forget_patients(*, patient_ids: Iterable[int]) -> None:
    patient_ids = set(patient_ids)
    if settings.TOKEN_CACHE_ENABLED and patient_ids:
        digests = get_token_model().objects.filter(user__patient__in=patient_ids)
        token_cache_forget(digests=digests.values_list("digest", flat=True))


def _on_token_saved(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        token_cache_forget(digests=[instance.digest])


def _on_token_deleted(sender, instance, **kwargs) -> None:
    token_cache_forget(digests=[instance.digest], revoked=True)


def _on_user_row(sender, instance, created: bool = False, **kwargs) -> None:
    if not created:  # a new user has no token yet
        token_cache_forget_users(user_ids=[instance.pk])


def _on_role_row(sender, instance, **kwargs) -> None:
    token_cache_forget_users(user_ids=[instance.user_id])


def connect() -> None:
    """Called once from patients.apps."""
    token_model = get_token_model()
    post_save.connect(_on_token_saved, sender=token_model, dispatch_uid="token_cache:save")
    post_delete.connect(_on_token_deleted, sender=token_model, dispatch_uid="token_cache:delete")
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_on_user_row, sender=User, dispatch_uid=f"token_cache:{name}:user")
        for model in (Patient, Clinician):
            signal.connect(
                _on_role_row, sender=model, dispatch_uid=f"token_cache:{name}:{model.__name__}"
            )
