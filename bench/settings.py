"""The production settings, plus a URLconf holding the benchmarks' reference views."""

import os

# The benchmarks send no real mail; production refuses the console backend, so they
# name an in-memory one (a benchmark's own environment may still choose another).
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
