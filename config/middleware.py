"""Project-wide response headers."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/v1/"


class ApiNoStoreMiddleware:
    """Every API answer may carry patient data or a token: no browser, proxy or CDN
    keeps a copy (`Cache-Control: no-store` and friends, via Django's own helper)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            add_never_cache_headers(response)
        return response
