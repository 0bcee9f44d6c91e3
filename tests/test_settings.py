"""The run modes: production is strict about its secrets and passes Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process only; a
    # deploy check that inherited it would warn about it.
    inherited = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in inherited}
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
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", DJANGO_ENV="production", HEP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_an_unknown_run_mode_is_refused(tmp_path):
    result = manage("check", DJANGO_ENV="staging", HEP_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr
