"""GET /healthz: 200 when the database and the broker answer, 503 naming what did not."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
        # Opening a channel proves the transport answers, not just that a socket opened.
        conn.default_channel  # noqa: B018


CHECKS = {"database": check_database, "broker": check_broker}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure of a dependency is a 503, never a 500
            logger.warning("health check %s failed: %s", name, exc)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    failed = [name for name, result in results.items() if result != "ok"]
    body = {"status": "ok" if not failed else "unavailable", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
