"""Test settings: fast hashing, locmem email, in-memory channels.

DATABASE_URL / REDIS_URL switch the suite to PostgreSQL and Redis, as in CI.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403
from .base import DATABASE_URL, REST_FRAMEWORK, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REMINDER_CHANNELS = ["email", "locmem"]
SITE_URL = "https://hep.example"
APP_TODAY_URL = "https://hep.example/app/today"
APP_CHECKIN_URL = "https://hep.example/app/checkin"
FHIR_BASE_URL = "https://hep.example/api/v1/fhir"
if not DATABASE_URL:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# Tests that exercise throttling set their own rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "login": "1000/min",
        "activate": "1000/min",
        "activate_failures": "1000/min",
        "password_reset": "1000/min",
    },
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process: its locmem cache is as shared as it needs to be.
TODAY_CACHE_ENABLED = True
# Off, so every request's query count includes its token statement whatever came
# before it; tests/patients/test_token_cache.py turns it on.
TOKEN_CACHE_ENABLED = False
