"""app_load: time until today's routine is visible in the companion app (/app/) in
headless Chromium, cold (a first visit: no HTTP cache, no service worker) and warm
(the service worker installed, the network off), against a static HTML page of the
same size from the same server in the same run (cold: a first visit; warm: a second
visit from the HTTP cache). Also weighs the app's own code and assets as served
(gzip). Targets: warm ratio <= 1.5; the app's weight <= 150 KB compressed.

"Visible" is measured inside the page, in milliseconds from the navigation's start
(performance.now()), by a MutationObserver installed before any of the page's own
code runs: for the app, the first exercise card of a signed-in patient's today; for
the reference page, its last element.
"""

import argparse
import gzip
import html
import http.client
import os
import shutil
from pathlib import Path

from bench import harness

WARM_TARGET = 1.5
WEIGHT_TARGET_BYTES = 150 * 1024
REFERENCE_NAME = "bench/app-load-reference.html"

VISIBLE_OBSERVER = """
(() => {
  const check = () => {
    if (window.__visibleAt !== undefined) return;
    if (document.querySelector('body[data-ready=today] article, #reference-end')) {
      window.__visibleAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready'],
  });
})();
"""


DEBUG_TIMINGS = """() => JSON.stringify({
  nav: performance.getEntriesByType('navigation').map((e) => [e.workerStart, e.responseStart, e.responseEnd, e.domInteractive]),
  res: performance.getEntriesByType('resource').map((e) => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.responseEnd)]),
})"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench app_load")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=6, help="exercises in today's routine")
    args = parser.parse_args(argv)
    return harness.run("app_load", lambda: _run(args))


def _static_root() -> Path:
    return harness.VAR_DIR / f"static-app_load-{os.getpid()}"


def _seed(items: int) -> str:
    from bench import seed
    from patients.models import User

    exercises = seed.seed_exercises(items)
    clinic, clinician = seed.seed_clinic("App Load Clinic")
    pop = seed.seed_patients(
        clinic_id=clinic.pk, clinician_id=clinician.pk, count=1, exercise_ids=exercises,
        tag="app", programs=1, items_per_program=items,
    )  # fmt: skip
    return seed.knox_token(User.objects.get(pk=pop.user_ids[0]))


def _get(port: int, path: str, gzip_ok: bool) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


def _app_files(port: int) -> list[str]:
    """The shell, the manifest, the worker and everything the worker precaches."""
    import json

    status, body, _ = _get(port, "/app/sw.js", gzip_ok=False)
    assert status == 200, status
    first_line = body.decode().splitlines()[0]
    config = json.loads(first_line.removeprefix("self.HEP_APP = ").rstrip(";"))
    return ["/app/", "/app/manifest.webmanifest", "/app/sw.js", *config["assets"]]


def _weigh(port: int, paths: list[str]) -> tuple[int, int, int]:
    """(bytes as served with gzip accepted, the same with the shell gzipped too, raw bytes)."""
    served = gzipped = raw = 0
    for path in paths:
        status, body, headers = _get(port, path, gzip_ok=True)
        assert status == 200, (path, status)
        served += len(body)
        plain = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        raw += len(plain)
        gzipped += (
            len(body) if headers.get("content-encoding") == "gzip" else len(gzip.compress(plain, 9))
        )
    return served, gzipped, raw


def _write_reference(port: int, paths: list[str], static_root: Path) -> int:
    """A page of exactly the app's raw size, made of the app's own text (so it compresses
    alike), shown as preformatted text; its last element marks it visible."""
    parts, size = [], 0
    for path in paths:
        _, body, _ = _get(port, path, gzip_ok=False)
        size += len(body)
        if path.endswith((".js", ".css", "/", ".webmanifest")):
            parts.append(html.escape(body.decode("utf-8", "replace")))
        else:
            import base64

            parts.append(base64.b64encode(body).decode())
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference</title></head><body><pre>'
    tail = '</pre><p id="reference-end">end</p></body></html>'
    text = "\n".join(parts)
    room = size - len(head.encode()) - len(tail.encode())
    text = (text * (room // max(1, len(text)) + 1)).encode()[:room].decode("utf-8", "ignore")
    page = (head + text + tail).encode()
    page += b" " * (size - len(page))
    target = static_root / REFERENCE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page)
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(page, 9))
    return len(page)


def _visible_ms(page, url: str) -> float:
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__visibleAt !== undefined", timeout=30_000)
    return page.evaluate("window.__visibleAt")


def _run(args) -> int:
    static_root = _static_root()
    try:
        with harness.bench_database("app_load", STATIC_ROOT=str(static_root)) as env:
            harness.require_url("/app/", "the companion web app at /app/")
            from django.core.management import call_command

            harness.progress(f"seeding one patient with {args.items} exercises today")
            token = _seed(args.items)
            harness.progress("collectstatic (hashed, gzipped: what production serves)")
            call_command("collectstatic", interactive=False, verbosity=0)

            # A first server only to read the app's files and build the reference page
            # (whitenoise indexes STATIC_ROOT when it starts).
            with harness.gunicorn(env) as port:
                paths = _app_files(port)
                served, gzipped, raw = _weigh(port, paths)
                reference_size = _write_reference(port, paths, static_root)
            harness.progress(
                f"app: {len(paths)} files, {raw:,} bytes raw, {served:,} bytes as served, "
                f"{gzipped:,} bytes all gzipped; reference page {reference_size:,} bytes"
            )
            with harness.gunicorn(env) as port:
                cold, warm = _measure(port, token, args.rounds)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    weight_note = (
        f"app weight: {gzipped / 1024:.1f} KB gzipped ({served / 1024:.1f} KB as served: "
        f"static files gzipped by whitenoise, the shell and the worker uncompressed; "
        f"{raw / 1024:.1f} KB raw, {len(paths)} files); target <= 150 KB: "
        + ("PASS" if gzipped <= WEIGHT_TARGET_BYTES else "FAIL")
    )
    print(
        f"RESULT app_load | weight (KB gzipped) | {gzipped / 1024:.1f} | - | - | "
        f"<= 150 | {'PASS' if gzipped <= WEIGHT_TARGET_BYTES else 'FAIL'}",
        flush=True,
    )
    code = harness.report(
        "app_load",
        [
            harness.Comparison(
                title="warm: service worker, offline",
                subject="/app/today, reloaded offline from the service worker",
                reference="the static page again, from the HTTP cache",
                unit="ms to visible",
                subject_values=warm[0],
                reference_values=warm[1],
                target=WARM_TARGET,
                at_least=False,
            ),
        ],
        notes=[
            weight_note,
            f"reference page: {reference_size:,} bytes, the app's raw size",
            _cold_note(*cold),
        ],
    )
    if gzipped > WEIGHT_TARGET_BYTES:
        return harness.EXIT_FAIL
    return code


def _cold_note(app: list[float], reference: list[float]) -> str:
    import statistics

    ratios = [a / r for a, r in zip(app, reference, strict=True)]
    return (
        f"cold (first visit, no target): app {statistics.median(app):.0f} ms "
        f"({', '.join(f'{v:.0f}' for v in app)}), static page {statistics.median(reference):.0f} ms "
        f"({', '.join(f'{v:.0f}' for v in reference)}); ratio median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f}"
    )


def _measure(port: int, token: str, rounds: int):
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH

    base = f"http://127.0.0.1:{port}"
    app_cold, app_warm, ref_cold, ref_warm = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        # The signed-in device: the token in the app's IndexedDB, nothing else kept.
        setup = browser.new_context()
        page = setup.new_page()
        page.goto(f"{base}/app/login")
        page.wait_for_selector("form[data-form=login]")
        page.evaluate(
            """async (token) => {
                const api = await import('/static/webapp/js/api.js');
                await api.setToken(token);
            }""",
            token,
        )
        signed_in = setup.storage_state(indexed_db=True)
        setup.close()

        def app_round() -> float:
            context = browser.new_context(storage_state=signed_in)
            context.add_init_script(VISIBLE_OBSERVER)
            page = context.new_page()
            cold = _visible_ms(page, f"{base}/app/today")
            page.wait_for_function(
                "() => navigator.serviceWorker.controller !== null", timeout=30_000
            )
            page.evaluate("navigator.serviceWorker.ready")
            context.set_offline(True)
            warm = _visible_ms(page, f"{base}/app/today")
            if os.environ.get("APP_LOAD_DEBUG"):
                print(page.evaluate(DEBUG_TIMINGS), flush=True)
            assert page.locator("article").count() > 0
            context.close()
            app_cold.append(cold)
            return warm

        def reference_round() -> float:
            context = browser.new_context()
            context.add_init_script(VISIBLE_OBSERVER)
            page = context.new_page()
            ref_cold.append(_visible_ms(page, f"{base}/static/{REFERENCE_NAME}"))
            page.goto("about:blank")
            warm = _visible_ms(page, f"{base}/static/{REFERENCE_NAME}")
            context.close()
            return warm

        app_round()  # warm-up: the server's first requests, Chromium's first start
        app_cold.clear()
        app_warm, ref_warm = harness.interleave(
            app_round, reference_round, rounds=rounds, label="warm "
        )
        browser.close()
    return (app_cold, ref_cold), (app_warm, ref_warm)
