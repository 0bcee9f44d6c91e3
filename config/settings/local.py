"""The embedded default and development: everything from base.

DEBUG stays off unless DEBUG=1 is set. Without SECRET_KEY in the environment the
key is this installation's own, generated on first run into `var/secret_key`
(readable by its owner only) and reused after, so signed links (unsubscribe) cannot
be forged with a key anyone can read in the repository.
"""

import os
import secrets
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Pushes to demo devices print in the terminal; real providers join when configured.
os.environ.setdefault("REMINDER_CHANNELS", "email,fcm,apns,webpush,console")

from .base import *  # noqa: F403
from .base import VAR_DIR


def installation_secret_key(path: Path) -> str:
    """The key in `path`, written there first if missing (atomically: the web server,
    worker and beat may start at once)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(20):  # another process may be writing it this instant
            key = path.read_text().strip()
            if len(key) >= 50:
                return key
            time.sleep(0.05)
        raise ImproperlyConfigured(
            f"{path} holds no usable key; delete it to make a new one"
        ) from None
    key = secrets.token_urlsafe(64)
    with os.fdopen(descriptor, "w") as out:
        out.write(key + "\n")
    return key


if not os.environ.get("SECRET_KEY"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    SECRET_KEY = installation_secret_key(VAR_DIR / "secret_key")
