"""The embedded default and development: everything from base, DEBUG on unless told."""

import os

os.environ.setdefault("DEBUG", "1")
# Pushes to demo devices print in the terminal; real providers join when configured.
os.environ.setdefault("REMINDER_CHANNELS", "email,fcm,apns,webpush,console")

from .base import *  # noqa: F403
