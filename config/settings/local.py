"""The embedded default and development: everything from base, DEBUG on unless told."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
