"""Exercise media are read through Django's storage API, so any backend serves them:
an in-memory one here, and django-storages' S3 backend against moto's in-process S3
(no network). Nothing but the clinic's own page hands the file out."""

import io

import boto3
import pytest
from django.core.files.storage import InMemoryStorage
from moto import mock_aws
from PIL import Image

from programs.models import ExerciseMedia
from tests import factories
from tests.conftest import auth_client

pytestmark = pytest.mark.django_db

OPENED: list[str] = []


class RecordingStorage(InMemoryStorage):
    """Keeps files in memory and notes every file it is asked to open."""

    def _open(self, name, mode="rb"):
        OPENED.append(name)
        return super()._open(name, mode)


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    buffer.name = "pose.png"
    buffer.seek(0)
    return buffer


def upload_and_fetch(console, clinic, patient) -> tuple[ExerciseMedia, bytes, bytes]:
    exercise = factories.ExerciseFactory(clinic=clinic, slug="our-bridge")
    sent = png().getvalue()
    response = console.post(
        f"/clinic/library/{exercise.slug}/",
        {"action": "upload", "file": png(), "caption": "Start position"},
    )
    assert response.status_code == 302
    media = ExerciseMedia.objects.get(exercise=exercise)
    served = auth_client(patient.user).get(f"/clinic/library/media/{media.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "no-store" in served["Cache-Control"]
    return media, sent, b"".join(served.streaming_content)


def test_media_are_stored_and_served_through_the_storage_api(
    console, clinic, patient, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RecordingStorage"},
    }
    OPENED.clear()

    media, sent, served = upload_and_fetch(console, clinic, patient)

    assert served == sent
    assert [media.file.name] == OPENED
    assert not any(tmp_path.iterdir())  # nothing went to the filesystem


def test_media_in_an_s3_bucket_are_served_by_the_app_not_by_url(
    console, clinic, patient, settings, monkeypatch
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="clinic-media")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "clinic-media",
                    "region_name": "us-east-1",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }

        media, sent, served = upload_and_fetch(console, clinic, patient)

        assert served == sent
        stored = s3.get_object(Bucket="clinic-media", Key=media.file.name)["Body"].read()
        assert stored == sent
        # Private: no grant beyond the owner's, so the bucket's URL alone gives nothing.
        grants = s3.get_object_acl(Bucket="clinic-media", Key=media.file.name)["Grants"]
        assert all("URI" not in grant["Grantee"] for grant in grants)
        page = console.get(f"/clinic/library/{media.exercise.slug}/").content.decode()
        assert "clinic-media" not in page and "amazonaws" not in page
        assert f"/clinic/library/media/{media.pk}/" in page


def test_a_file_gone_from_the_store_is_a_404_not_a_server_error(console, clinic, patient, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RecordingStorage"},
    }
    media, _, _ = upload_and_fetch(console, clinic, patient)
    media.file.storage.delete(media.file.name)

    assert console.get(f"/clinic/library/media/{media.pk}/").status_code == 404
