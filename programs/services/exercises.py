"""Writes on clinic-private library exercises; global ones are never written here."""

import os

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from PIL import Image, UnidentifiedImageError

from patients.models import Clinic
from programs.models import EXERCISE_CONTENT_FIELDS, Exercise, ExerciseMedia
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


MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}


class MediaRefused(Exception):
    """Not a photo or video we accept, or too large; the message says which."""


def exercise_media_add(*, exercise: Exercise, upload, caption: str, by) -> ExerciseMedia:
    """Store an uploaded photo or video for a clinic's own exercise.

    Photos are opened with Pillow to check they are the image their name claims;
    videos are checked by name and size (no decoder here)."""
    if exercise.is_global:
        raise MediaRefused("Global library exercises are read-only.")
    extension = os.path.splitext(upload.name)[1].lower()
    content_type = MEDIA_TYPES.get(extension)
    if content_type is None:
        raise MediaRefused("Upload a JPEG, PNG or WebP photo, or an MP4 or WebM video.")
    if upload.size > settings.MEDIA_MAX_UPLOAD_MB * 1024 * 1024:
        raise MediaRefused(f"Files up to {settings.MEDIA_MAX_UPLOAD_MB} MB are accepted.")
    if content_type.startswith("image/"):
        try:
            with Image.open(upload) as image:
                image.verify()
                found = Image.MIME.get(image.format or "")
        except (UnidentifiedImageError, OSError) as exc:
            raise MediaRefused("This file is not a photo that can be opened.") from exc
        if found != content_type:
            raise MediaRefused("The file's contents do not match its name.")
        upload.seek(0)
    return ExerciseMedia.objects.create(
        exercise=exercise, file=upload, content_type=content_type, caption=caption, uploaded_by=by
    )
