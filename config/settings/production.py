"""Production: DEBUG off, secrets required from the environment, HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ["DEBUG"] = os.environ.get("DEBUG", "0")

from .base import *  # noqa: F403
from .base import (
    CACHES,
    EMAIL_BACKEND,
    EMAIL_USE_SSL,
    EMAIL_USE_TLS,
    SECRET_KEY,
    STORAGES,
    env_bool,
    env_int,
)
from .storage import default_storage_from_env

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production")
if not os.environ.get("SECRET_KEY") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters")
# Sign-in throttles count in the cache; it must be one every web process shares and
# increments atomically (Redis INCR), or each process would allow the full limit.
if CACHES["default"]["BACKEND"] != "config.cache.RedisCache":
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production: sign-in throttles need a shared, atomic cache"
    )
# Emails carry invite codes and reset links: never into a log, never in clear text.
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    raise ImproperlyConfigured(
        "Set EMAIL_HOST (SMTP) or EMAIL_BACKEND in production: the console backend would "
        "print invite codes and reset links into the server log"
    )
if (
    EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    and not (EMAIL_USE_TLS or EMAIL_USE_SSL)
    and not env_bool("EMAIL_ALLOW_PLAINTEXT", False)
):
    raise ImproperlyConfigured(
        "SMTP without TLS: set EMAIL_USE_TLS=1 or EMAIL_USE_SSL=1 "
        "(or EMAIL_ALLOW_PLAINTEXT=1 for a relay on the same host)"
    )

if WEBHOOK_TEST_RECEIVER_ORIGIN:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOK_TEST_RECEIVER_ORIGIN is for tests only")

# Exercise media: an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set.
STORAGES = {**STORAGES, "default": default_storage_from_env(os.environ)}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
