"""The run modes: production is strict about its secrets and passes Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process (Playwright's
# event loop); a production command must not inherit it.
NOT_INHERITED = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_check_deploy_with_no_warnings_when_secrets_are_given(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="api.clinic.example",
        HEP_VAR_DIR=str(tmp_path),
        **PRODUCTION_SERVICES,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRODUCTION_SERVICES = {
    "REDIS_URL": "redis://127.0.0.1:6379/9",
    "EMAIL_HOST": "smtp.clinic.example",
    "EMAIL_USE_TLS": "1",
}


def production(tmp_path, **env: str) -> subprocess.CompletedProcess:
    settings = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "api.clinic.example",
        "HEP_VAR_DIR": str(tmp_path),
        **PRODUCTION_SERVICES,
        **env,
    }
    return manage("check", **{k: v for k, v in settings.items() if v is not None})


def test_production_refuses_to_start_without_a_shared_cache(tmp_path):
    result = production(tmp_path, REDIS_URL="")
    assert result.returncode != 0
    assert "REDIS_URL must be set in production" in result.stderr


def test_production_refuses_the_console_email_backend(tmp_path):
    result = production(tmp_path, EMAIL_HOST="")
    assert result.returncode != 0
    assert "console backend" in result.stderr


def test_production_refuses_smtp_without_tls_unless_allowed(tmp_path):
    plain = production(tmp_path, EMAIL_USE_TLS="0")
    assert plain.returncode != 0
    assert "SMTP without TLS" in plain.stderr
    allowed = production(tmp_path, EMAIL_USE_TLS="0", EMAIL_ALLOW_PLAINTEXT="1")
    assert allowed.returncode == 0, allowed.stderr
    assert production(tmp_path, EMAIL_USE_TLS="0", EMAIL_USE_SSL="1").returncode == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", DJANGO_ENV="production", HEP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unknown_run_mode_is_refused(tmp_path):
    result = manage("check", DJANGO_ENV="staging", HEP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


PUBLIC_KEY = "insecure-local-only-key-set-SECRET_KEY-in-production"


def settings_printed(tmp_path, expression: str, *, hidden: set[str], **env: str) -> str:
    """What `expression` (of django.conf.settings) prints under the local settings, in a
    fresh process whose environment lacks `hidden` and adds `env`."""
    base = {k: v for k, v in os.environ.items() if k not in hidden}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; print({expression})",
        ],
        cwd=ROOT,
        env={**base, "HEP_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def local_settings(tmp_path, **env: str) -> tuple[str, str]:
    hidden = {"DEBUG", "DJANGO_ENV", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    key, debug = settings_printed(
        tmp_path, "settings.SECRET_KEY, settings.DEBUG", hidden=hidden, **env
    ).split()
    return key, debug


def test_the_embedded_run_makes_its_own_secret_key_once_and_keeps_debug_off(tmp_path):
    key, debug = local_settings(tmp_path)
    assert key != PUBLIC_KEY and len(key) >= 50
    assert debug == "False"
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o777 == 0o600
    assert local_settings(tmp_path) == (key, "False")  # the same key on the next run
    other_install, _ = local_settings(tmp_path / "elsewhere")
    assert other_install != key


def test_debug_and_a_given_secret_key_are_honoured_locally(tmp_path):
    given = "k" * 60
    assert local_settings(tmp_path, DEBUG="1", SECRET_KEY=given) == (given, "True")
    assert not (tmp_path / "secret_key").exists()


def test_up_warns_when_it_serves_beyond_this_machine():
    from programs.management.commands.up import exposure_warning

    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"):
        assert exposure_warning(host) is None
    for host in ("0.0.0.0", "192.168.1.5", "::", "myhost.lan"):
        assert "reachable from other machines" in exposure_warning(host)


S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "clinic-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.storage.example",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}
SHOW_STORAGE = (
    "import json; from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps([type(s).__module__, "
    "s.bucket_name, s.endpoint_url, s.region_name, s.access_key, s.secret_key, "
    "s.default_acl, s.querystring_auth, s.file_overwrite]))"
)


def test_the_media_storage_is_the_filesystem_without_a_bucket():
    from config.settings.storage import default_storage_from_env

    assert default_storage_from_env({})["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    assert default_storage_from_env({"AWS_STORAGE_BUCKET_NAME": " "})["BACKEND"].endswith(
        "FileSystemStorage"
    )


def test_a_bucket_in_the_environment_selects_a_private_s3_storage():
    from config.settings.storage import default_storage_from_env

    chosen = default_storage_from_env(S3_ENV)
    assert chosen == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "clinic-media",
            "endpoint_url": "https://s3.storage.example",
            "region_name": "eu-central-1",
            "access_key": "AKIDEXAMPLE",
            "secret_key": "not-a-real-secret",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
    # Credentials left out: boto3's own chain (an instance role) applies.
    bare = default_storage_from_env({"AWS_STORAGE_BUCKET_NAME": "clinic-media"})["OPTIONS"]
    assert "access_key" not in bare and "endpoint_url" not in bare


def test_production_settings_build_the_s3_storage_from_the_environment(tmp_path):
    """No network: building the storage connects to nothing."""
    import json

    settings = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "api.clinic.example",
        "HEP_VAR_DIR": str(tmp_path),
        **PRODUCTION_SERVICES,
    }
    with_bucket = manage("shell", "-c", SHOW_STORAGE, **settings, **S3_ENV)
    assert with_bucket.returncode == 0, with_bucket.stderr
    assert json.loads(with_bucket.stdout.strip().splitlines()[-1]) == [
        "storages.backends.s3",
        "clinic-media",
        "https://s3.storage.example",
        "eu-central-1",
        "AKIDEXAMPLE",
        "not-a-real-secret",
        None,
        True,
        False,
    ]
    without = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        **settings,
        AWS_STORAGE_BUCKET_NAME="",
    )
    assert without.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage"


def database_options(tmp_path, **env: str) -> str:
    hidden = {"DJANGO_SETTINGS_MODULE", "DB_PREPARED_STATEMENTS", "DB_SERVER_SIDE_BINDING"}
    return settings_printed(
        tmp_path, "settings.DATABASES['default']['OPTIONS']", hidden=hidden, **env
    )


def test_postgresql_statements_are_bound_on_the_server_and_prepared_unless_turned_off(tmp_path):
    url = "postgresql://postgres@127.0.0.1:5432/not_connected"
    on = database_options(tmp_path, DATABASE_URL=url)
    assert "'server_side_binding': True" in on and "'prepare_threshold': 5" in on
    client_side = database_options(tmp_path, DATABASE_URL=url, DB_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in client_side and "'prepare_threshold': 5" in client_side
    pooler = database_options(tmp_path, DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in pooler and "prepare_threshold" not in pooler
