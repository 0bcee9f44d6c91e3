"""Writes on clinic-private library exercises; global ones are never written here."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from patients.models import Clinic
from programs.models import EXERCISE_CONTENT_FIELDS, Exercise
from programs.selectors.today_cache import today_cache_bump_library


class SlugTaken(Exception):
    """The slug is used by a global exercise or by another of this clinic's."""


EDITABLE_FIELDS = (*EXERCISE_CONTENT_FIELDS, "regression", "progression")


def slug_taken(*, clinic: Clinic, slug: str) -> bool:
    return Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic=clinic), slug=slug).exists()


def exercise_create(*, clinic: Clinic, slug: str, data: dict) -> Exercise:
    """A private exercise of `clinic`; `data` holds validated EDITABLE_FIELDS."""
    if slug_taken(clinic=clinic, slug=slug):
        raise SlugTaken(slug)
    exercise = Exercise(clinic=clinic, slug=slug)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(exercise, name, data[name])
    try:
        with transaction.atomic():
            exercise.save()
    except IntegrityError as exc:  # the same slug created a moment ago
        raise SlugTaken(slug) from exc
    return exercise


def exercise_update(*, exercise: Exercise, data: dict) -> Exercise:
    """Change the given fields of a clinic's own exercise (the slug stays)."""
    if exercise.is_global:
        raise ValueError("global exercises are read-only")
    fields = [name for name in EDITABLE_FIELDS if name in data]
    for name in fields:
        setattr(exercise, name, data[name])
    if fields:
        exercise.save(update_fields=[*fields, "updated_at"])
        today_cache_bump_library()
    return exercise
