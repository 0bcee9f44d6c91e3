"""The app's static files: what the shell links and the service worker precaches.

The service worker's cache is named after a digest of these files' contents, so a
deploy that changes any of them installs a new worker, which fetches the new shell.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static

ENTRY_MODULE = "webapp/js/main.js"
MODULES = (
    "webapp/js/main.js",
    "webapp/js/db.js",
    "webapp/js/api.js",
    "webapp/js/queue.js",
    "webapp/js/sync.js",
    "webapp/js/dom.js",
    "webapp/js/dates.js",
    "webapp/js/auth.js",
    "webapp/js/today.js",
    "webapp/js/progress.js",
    "webapp/js/settings.js",
    "webapp/js/push.js",
    "webapp/js/checkin.js",
)
# What today's screen needs before it can draw: preloaded by the shell in one round,
# instead of being discovered import by import. The other screens load on demand.
TODAY_MODULES = (
    "webapp/js/api.js",
    "webapp/js/db.js",
    "webapp/js/dom.js",
    "webapp/js/dates.js",
    "webapp/js/queue.js",
    "webapp/js/sync.js",
    "webapp/js/today.js",
)
STYLES = ("webapp/app.css",)
ICONS = (
    "webapp/icons/icon-192.png",
    "webapp/icons/icon-512.png",
    "webapp/icons/icon-maskable-512.png",
    "webapp/icons/apple-touch-icon.png",
)
SHELL_URL = "/app/"
SHELL_TEMPLATE = "webapp/shell.html"


def plain_url(name: str) -> str:
    """A static file under its unhashed name: how a module's relative import names it."""
    return "/" + settings.STATIC_URL.strip("/") + "/" + name


def preload_urls() -> list[str]:
    return [plain_url(name) for name in TODAY_MODULES]


def static_urls() -> list[str]:
    """What the service worker precaches: the files the shell links (hashed names in
    production) and the other modules under their plain names, which is how the entry
    module's relative imports name them."""
    linked = [static(name) for name in (*STYLES, ENTRY_MODULE, *ICONS)]
    imported = [plain_url(name) for name in MODULES if name != ENTRY_MODULE]
    return list(dict.fromkeys([*linked, *imported]))


@functools.cache
def version() -> str:
    """A digest of every asset and the shell template: changes with any of them."""
    digest = hashlib.sha256()
    for name in (*STYLES, *MODULES, *ICONS, "webapp/sw.js"):
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    with open(get_template(SHELL_TEMPLATE).origin.name, "rb") as handle:
        digest.update(handle.read())
    return digest.hexdigest()[:16]
