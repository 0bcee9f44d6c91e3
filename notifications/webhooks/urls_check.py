"""Which URLs a webhook may be sent to: the outbound rule, plus one test-only origin."""

from urllib.parse import urlsplit

from django.conf import settings

from notifications.outbound import check_outbound_url


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()
    except ValueError:
        return ""


def webhook_url_check(url: str, *, resolve: bool = True) -> None:
    """Raises django's ValidationError unless `url` is https, names a public host and
    (with `resolve`) resolves only to public addresses. Called at registration and
    before every delivery; WEBHOOK_TEST_RECEIVER_ORIGIN (tests only) is let through."""
    test_origin = settings.WEBHOOK_TEST_RECEIVER_ORIGIN
    if test_origin and _origin(url) == test_origin.rstrip("/").lower():
        return
    check_outbound_url(url, resolve=resolve)
