"""The shell, the service worker and the manifest as HTTP answers."""

import re
import struct

import pytest
from django.contrib.staticfiles import finders

from webapp import assets

SCREENS = [
    "/app/",
    "/app/today",
    "/app/activate",
    "/app/login",
    "/app/forgot",
    "/app/reset",
    "/app/progress",
    "/app/settings",
]


@pytest.mark.parametrize("path", SCREENS)
def test_every_screen_is_the_shell_with_a_strict_policy(client, path):
    response = client.get(path, {"date": "2026-12-01"})
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "http" not in policy  # no other origin is allowed anything
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert " style=" not in html and "<style" not in html
    assert response["Cache-Control"] == "no-cache"


def test_other_app_paths_are_not_found_and_the_shell_is_read_only(client):
    assert client.get("/app/admin").status_code == 404
    assert client.post("/app/today").status_code == 405


def test_the_service_worker_is_served_for_the_app_scope_with_what_it_precaches(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/app/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert body.startswith("self.HEP_APP = {")
    for name in (*assets.MODULES, *assets.STYLES, *assets.ICONS):
        assert f'"/static/{name}"' in body
    assert f'"version": "{assets.version()}"' in body


def test_every_module_the_app_imports_is_precached():
    imported = set()
    for name in assets.MODULES:
        with open(finders.find(name), encoding="utf-8") as handle:
            for target in re.findall(r'from "\./([\w-]+\.js)"', handle.read()):
                imported.add(f"webapp/js/{target}")
    assert imported <= set(assets.MODULES)


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_names_the_app_and_icons_in_the_sizes_browsers_ask_for(client):
    response = client.get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {}
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/static/")
        width, height = png_size(finders.find(name))
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), []).append(width)
    assert sorted(sizes["any"]) == [192, 512] and sizes["maskable"] == [512]


def test_the_apps_own_code_and_assets_stay_under_150_kb_compressed(client):
    import gzip

    total = 0
    for path in ("/app/", "/app/sw.js", "/app/manifest.webmanifest"):
        total += len(gzip.compress(client.get(path).content, 9))
    names = {*assets.MODULES, *assets.STYLES, *assets.ICONS}
    for name in names:
        with open(finders.find(name), "rb") as handle:
            total += len(gzip.compress(handle.read(), 9))
    assert 20_000 < total < 150 * 1024
