"""Headers and gates shared by every console page (and the admin's second factor)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from config.web.two_factor import second_factor_needed

CONSOLE_PREFIX = "/clinic/"
ADMIN_PREFIX = "/admin/"


class NoStoreMiddleware:
    """Console pages show patient data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith((CONSOLE_PREFIX, ADMIN_PREFIX)):
            add_never_cache_headers(response)
        return response


class TwoFactorGateMiddleware:
    """A signed-in user who owes a second factor reaches only the sign-in pages.

    One gate for the console and the admin, so the admin cannot be used to skip
    the TOTP step that the console asks for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def open_paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {
                reverse(name)
                for name in (
                    "console-login",
                    "console-logout",
                    "console-verify",
                    "console-two-factor-setup",
                    "admin:logout",
                )
            }
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith((CONSOLE_PREFIX, ADMIN_PREFIX)) and path not in self.open_paths():
            needed = second_factor_needed(request.user)
            if needed is not None:
                target = "console-verify" if needed == "verify" else "console-two-factor-setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': path})}")
        return self.get_response(request)
