"""Production: DEBUG off, secrets required from the environment, HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ["DEBUG"] = os.environ.get("DEBUG", "0")

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool, env_int

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production")
if not os.environ.get("SECRET_KEY") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters")

if WEBHOOK_TEST_RECEIVER_ORIGIN:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOK_TEST_RECEIVER_ORIGIN is for tests only")

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
