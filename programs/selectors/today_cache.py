"""The finished body of GET /me/today, cached per patient and local date.

The app opens today's routine far more often than anything in it changes, so the
rendered body is kept in Django's cache (Redis in production, shared by every web
process) together with the two generation tokens it was built under: the
patient's, replaced by every write that can change their day (a log upload, a
program, item, pause or status change, a time-zone change), and the library's,
replaced by every exercise write. A body whose tokens are no longer the current ones is never served: the
next request reads the database again.

Tokens are random rather than counters: a token evicted from the cache comes back
as a new one and can never meet a body built under an older one. They are replaced
at once and again when the writing transaction commits, so a request that read the
database before the commit cannot store its body under the token readers see after.
The services call `today_cache_bump` explicitly (their bulk writes send no model
signals); model saves and deletes elsewhere (the admin, the shell, data loaders)
replace the tokens through the signal receivers below. Writes that send no signal
outside the services (a queryset `update`, `bulk_create`) are seen within
TODAY_CACHE_SECONDS, the bound on a body's life. Without a shared cache (no
REDIS_URL: each process would have its own) nothing is cached at all, so a write
served by one web process is never hidden from another (TODAY_CACHE_ENABLED).
"""

import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from patients.models import Patient
from patients.signals import patient_timezone_changed
from programs.models import Exercise, ExerciseLog, Program, ProgramItem, ProgramPause

TODAY_CACHE_SECONDS = 60
# Longer than any body lives; an expired token is only a cache miss.
GENERATION_SECONDS = 24 * 3600
LIBRARY_KEY = "today:gen:library"


def _patient_key(patient_id: int) -> str:
    return f"today:gen:patient:{patient_id}"


def _new_token() -> str:
    return secrets.token_hex(8)


def today_body_cached(*, patient_id: int, day_iso: str, build: Callable[[], bytes]) -> bytes:
    """The body for the patient's local today, built by `build` when not cached.

    One cache read fetches both tokens and the stored body, which is used only if
    it was built under the same tokens. The tokens are read before `build` reads
    the database, so a body is never stored under tokens newer than its data."""
    if not settings.TODAY_CACHE_ENABLED:
        return build()
    patient_key = _patient_key(patient_id)
    body_key = f"today:body:{patient_id}:{day_iso}"
    found = cache.get_many((patient_key, LIBRARY_KEY, body_key))
    generations = (_generation(found, patient_key), _generation(found, LIBRARY_KEY))
    stored = found.get(body_key)
    if stored is not None and stored[0] == generations:
        return stored[1]
    body = build()
    cache.set(body_key, (generations, body), TODAY_CACHE_SECONDS)
    return body


def _generation(found: dict, key: str) -> str:
    token = found.get(key)
    if token is None:
        token = _new_token()
        # Another process may have just made one: keep whichever got there first.
        if not cache.add(key, token, GENERATION_SECONDS):
            token = cache.get(key) or token
    return token


def _replace(keys: list[str]) -> None:
    if len(keys) == 1:  # one SET; set_many wraps even one key in MULTI/EXEC
        cache.set(keys[0], _new_token(), GENERATION_SECONDS)
    else:
        cache.set_many({key: _new_token() for key in keys}, GENERATION_SECONDS)


def _replace_now_and_on_commit(keys: list[str]) -> None:
    if not settings.TODAY_CACHE_ENABLED:
        return
    if keys:
        _replace(keys)
        if connection.in_atomic_block:  # outside one, this write has committed already
            transaction.on_commit(lambda: _replace(keys))


def today_cache_bump(*, patient_ids: Iterable[int]) -> None:
    """The cached today of these patients is out of date."""
    _replace_now_and_on_commit([_patient_key(pk) for pk in set(patient_ids)])


def today_cache_bump_library() -> None:
    """Some exercise changed: every cached today is out of date."""
    _replace_now_and_on_commit([LIBRARY_KEY])


def _on_patient_row(sender, instance, **kwargs) -> None:
    today_cache_bump(patient_ids=[instance.pk])


def _on_program_row(sender, instance, **kwargs) -> None:
    today_cache_bump(patient_ids=[instance.patient_id])


def _on_program_child_row(sender, instance, **kwargs) -> None:
    if sender._meta.get_field("program").is_cached(instance):
        patient_id = instance.program.patient_id
    else:
        patient_id = (
            Program.objects.filter(pk=instance.program_id)
            .values_list("patient_id", flat=True)
            .first()
        )
    if patient_id is not None:
        today_cache_bump(patient_ids=[patient_id])


def _on_exercise_row(sender, instance, **kwargs) -> None:
    today_cache_bump_library()


def _on_timezone_changed(sender, patient, **kwargs) -> None:
    today_cache_bump(patient_ids=[patient.pk])


patient_timezone_changed.connect(_on_timezone_changed, dispatch_uid="today_cache:timezone")


for _name, _signal in (("save", post_save), ("delete", post_delete)):
    for _model, _receiver in (
        (Patient, _on_patient_row),
        (Program, _on_program_row),
        (ExerciseLog, _on_program_row),
        (ProgramItem, _on_program_child_row),
        (ProgramPause, _on_program_child_row),
        (Exercise, _on_exercise_row),
    ):
        _signal.connect(
            _receiver, sender=_model, dispatch_uid=f"today_cache:{_name}:{_model.__name__}"
        )
