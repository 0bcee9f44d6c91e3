"""The production settings, plus a URLconf holding the benchmarks' reference views."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
