"""The shell (one HTML page for every screen), the service worker and the manifest.

The app is a client of the public API: these views read nothing from the database
and import no domain app. Every screen is the same shell; the ES modules read the
path and draw the screen from the API.
"""

import json

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from webapp import assets

# No inline script or style, nothing from another origin. Exercise media on other
# hosts are offered as links, never loaded into the page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
THEME_COLOUR = "#0b5563"
# The global rating of change as the patient reads it, best first (15 points).
GROC_SCALE = [
    (7, _("Very much better, as good as it could be")),
    (6, _("Much better")),
    (5, _("Clearly better")),
    (4, _("Moderately better")),
    (3, _("Somewhat better")),
    (2, _("A little better")),
    (1, _("Barely better")),
    (0, _("No change")),
    (-1, _("Barely worse")),
    (-2, _("A little worse")),
    (-3, _("Somewhat worse")),
    (-4, _("Moderately worse")),
    (-5, _("Clearly worse")),
    (-6, _("Much worse")),
    (-7, _("Very much worse, as bad as it could be")),
]
BACKGROUND_COLOUR = "#ffffff"


def _no_cache(response: HttpResponse) -> HttpResponse:
    # Always revalidated: the service worker decides what is served offline.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def shell(request: HttpRequest, screen: str = "today") -> HttpResponse:
    response = render(
        request,
        assets.SHELL_TEMPLATE,
        {
            "theme_colour": THEME_COLOUR,
            "version": assets.version(),
            "preload": assets.preload_urls(),
            "groc_scale": GROC_SCALE,
        },
    )
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Referrer-Policy"] = "no-referrer"
    response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    return _no_cache(response)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's code with what it precaches (the shell and every static asset)."""
    config = {
        "version": assets.version(),
        "shell": assets.SHELL_URL,
        "assets": assets.static_urls(),
    }
    with open(finders.find("webapp/sw.js"), encoding="utf-8") as handle:
        code = handle.read()
    body = f"self.HEP_APP = {json.dumps(config)};\n{code}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/app/"
    return _no_cache(response)


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "id": "/app/",
        "name": "Home exercises",
        "short_name": "Exercises",
        "description": "Today's exercises from your clinic, with reminders; works offline.",
        "start_url": "/app/",
        "scope": "/app/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "lang": "en",
        "icons": [
            {"src": static(assets.ICONS[0]), "sizes": "192x192", "type": "image/png"},
            {"src": static(assets.ICONS[1]), "sizes": "512x512", "type": "image/png"},
            {
                "src": static(assets.ICONS[2]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")
