"""Browser-test support: Playwright driving the machine's own Chromium.

Browser tests are marked `browser`. They skip on a machine without Chromium;
with REQUIRE_BROWSER=1 (as .ci/run sets) a missing browser fails them instead.
Playwright never downloads a browser here: it launches the executable found at
CHROMIUM_PATH (default /usr/bin/chromium).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "") == "1"
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))

# Flags for a closed network: no background fetches, no sandbox as root, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Notifications stay in the browser's own notification centre, never the desktop's
    # (there is none on a CI machine), so a test can read them back.
    "--disable-features=NativeNotifications,SystemNotifications",
]


def browser_available() -> bool:
    return Path(CHROMIUM_PATH).exists()


def require_browser() -> None:
    if browser_available():
        return
    if REQUIRE_BROWSER:
        pytest.fail(
            f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM_PATH} is missing",
            pytrace=False,
        )
    pytest.skip(f"Chromium not installed at {CHROMIUM_PATH}")


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under var/screenshots/ for a person to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_serious_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 AA rules) on the page; return serious and critical hits."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    violations = results.response.get("violations", [])
    return [v for v in violations if v.get("impact") in {"serious", "critical"}]
