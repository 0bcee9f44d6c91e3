"""Where uploaded exercise media live: an S3-compatible bucket (django-storages) when
AWS_STORAGE_BUCKET_NAME is set, else the filesystem under MEDIA_ROOT.

Media stay private either way: objects are written with no ACL (the bucket's own,
private, applies), and the app never hands out the bucket's URLs, signed or not; it
reads each file through the storage API and serves it only inside the clinic
(programs.web.library.media_file).
"""

from collections.abc import Mapping

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3 = "storages.backends.s3.S3Storage"

# environment variable -> S3Storage option, passed on only when set (else boto3's own
# credential chain, e.g. an instance role, and the provider's defaults apply)
S3_ENV_OPTIONS = {
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_REGION_NAME": "region_name",
    "AWS_ACCESS_KEY_ID": "access_key",
    "AWS_SECRET_ACCESS_KEY": "secret_key",
    "AWS_S3_ADDRESSING_STYLE": "addressing_style",
    "AWS_LOCATION": "location",
}


def default_storage_from_env(environ: Mapping[str, str]) -> dict:
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return FILESYSTEM
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # never public-read: the bucket's private default
        "querystring_auth": True,  # any URL built by mistake is signed and expires
        "file_overwrite": False,  # two uploads of "pose.jpg" keep both
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    for name, option in S3_ENV_OPTIONS.items():
        value = environ.get(name, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": S3, "OPTIONS": options}
