"""Project-wide response headers."""

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django_htmx.middleware import HtmxMiddleware
from django_otp.middleware import OTPMiddleware

API_PREFIX = "/api/v1/"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


class ApiNoStoreMiddleware:
    """Every API answer may carry patient data or a token: no browser, proxy or CDN
    keeps a copy (`Cache-Control: no-store` and friends, via Django's own helper)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            if "Cache-Control" in response or "Expires" in response:
                add_never_cache_headers(response)
            else:  # what that helper writes on a fresh answer, without parsing anything
                response.headers["Expires"] = http_date()
                response.headers["Cache-Control"] = NEVER_CACHE
        return response


def browser_only(base: type) -> type:
    """`base`, left out of every request to the token API (/api/v1/).

    Sessions, Django's session user, the second factor, messages, CSP and htmx
    serve the console, the admin and the web app's pages. Under /api/v1/ every view
    is a DRF view that authenticates by token only and is exempt from CSRF
    (tests.frame.test_api_middleware checks both), answers JSON that no browser
    renders (CSP was excluded there already) and never touches a session or a
    message; yet on a token request these cost about as much CPU as the bare view
    that answers the same bytes. CSRF itself stays on everywhere.

    The class stays a subclass of `base`, so Django's checks (the admin's need for
    sessions, auth and messages) still recognise it."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return base.__call__(self, request)

    attrs = {"__call__": __call__, "__doc__": f"{base.__name__}, but not for /api/v1/."}
    if hasattr(base, "process_view"):

        def process_view(self, request, view_func, view_args, view_kwargs):
            if request.path_info.startswith(API_PREFIX):
                return None
            return base.process_view(self, request, view_func, view_args, view_kwargs)

        attrs["process_view"] = process_view
    if hasattr(base, "process_exception"):

        def process_exception(self, request, exception):
            if request.path_info.startswith(API_PREFIX):
                return None
            return base.process_exception(self, request, exception)

        attrs["process_exception"] = process_exception
    return type(f"BrowserOnly{base.__name__}", (base,), attrs)


BrowserSessionMiddleware = browser_only(SessionMiddleware)
BrowserAuthenticationMiddleware = browser_only(AuthenticationMiddleware)
BrowserOTPMiddleware = browser_only(OTPMiddleware)
BrowserMessageMiddleware = browser_only(MessageMiddleware)
BrowserCSPMiddleware = browser_only(CSPMiddleware)
BrowserHtmxMiddleware = browser_only(HtmxMiddleware)
