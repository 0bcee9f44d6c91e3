"""Which sign-in attempts django-axes counts: the console's and the admin's forms.

The API's token login answers machines and has its own per-address and per-account
throttles; counting it here as well would lock a clinician out of the console
because a misconfigured app kept retrying.
"""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest
from django.urls import reverse

BROWSER_SIGN_IN_PATHS = ("console-login", "admin:login")


def browser_sign_in_paths() -> set[str]:
    return {reverse(name) for name in BROWSER_SIGN_IN_PATHS}


def not_a_browser_sign_in(request: HttpRequest, credentials: dict | None) -> bool:
    """AXES_WHITELIST_CALLABLE: True (not counted, never locked) outside the two forms."""
    return request.path not in browser_sign_in_paths()


def account_of_attempt(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the email tried, compared without case (accounts are
    unique by lower-cased email), from the credentials or the posted form."""
    source = credentials if credentials else getattr(request, "POST", {})
    email = (source.get("username") or "").strip().lower()
    return email or None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins made over HTTP.

    A call without a request (a management command, a shell, a test checking a
    password) has no form or address to count, so it is left to the next backend
    instead of raising AxesBackendRequestParameterRequired."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
