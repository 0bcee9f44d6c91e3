"""Sign-in throttles: fixed-window counters in the shared cache, taken atomically.

A request takes its place in the window *before* it is answered: `cache.add` opens
the window's counter and `cache.incr` counts this request, both single atomic
commands on Redis (SET NX and INCR), so N concurrent requests from any number of
web processes see N distinct counts and exactly the allowed number get through.
Throttles that limit failures only (wrong passwords, wrong codes) hand their place
back when the attempt succeeds.

The client address comes from `REMOTE_ADDR`, or from `X-Forwarded-For` only as far
as `NUM_PROXIES` trusted proxies vouch for it (DRF's `get_ident`); a header the
client forged is ignored unless a proxy we trust appended to it.
"""

import contextlib
import hashlib

from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


def email_digest(email: str) -> str:
    # surrogatepass: a lone surrogate in the input must not crash the throttle.
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


class WindowThrottle(SimpleRateThrottle):
    """At most `num_requests` per fixed window of `duration` seconds per key."""

    failures_only = False

    def __init__(self) -> None:
        super().__init__()
        self.window_key: str | None = None

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        self.window_key = f"{key}:{int(self.now // self.duration)}"
        if self.count(self.window_key) > self.num_requests:
            self.window_key = None
            return False
        return True

    def count(self, key: str) -> int:
        self.cache.add(key, 0, self.duration + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window expired between add and incr
            self.cache.add(key, 1, self.duration + 1)
            return 1

    def wait(self) -> float:
        return max(1.0, self.duration - (self.now % self.duration))

    def give_back(self) -> None:
        """This request does not count after all (only for failure counters)."""
        if self.failures_only and self.window_key is not None:
            with contextlib.suppress(ValueError):  # the window has already closed
                self.cache.decr(self.window_key)
            self.window_key = None


class AddressThrottle(WindowThrottle):
    """Every request from one client address, at the view's `throttle_scope` rate."""

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginFailuresPerEmailThrottle(WindowThrottle):
    """Failed logins for one email address from any client, at the `login` rate:
    someone guessing from many addresses is stopped, the owner's successful
    logins never count."""

    scope = "login"
    failures_only = True

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        return self.cache_format % {"scope": "login_email", "ident": email_digest(email)}


class ActivationFailuresThrottle(WindowThrottle):
    """Failed activations from all clients together: no rotation of addresses
    escapes it. Its rate (`activate_failures`) bounds how many codes anyone can
    try per window, whatever their number of addresses."""

    scope = "activate_failures"
    failures_only = True

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": "all"}


class ThrottledView(APIView):
    """Checks its throttles in order and keeps them, so the view can hand failure
    counts back on success; a refused request takes back what it took so far."""

    def check_throttles(self, request) -> None:
        self.held_throttles: list[WindowThrottle] = []
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                self.attempt_succeeded()
                self.throttled(request, throttle.wait())
            self.held_throttles.append(throttle)

    def attempt_succeeded(self) -> None:
        for throttle in getattr(self, "held_throttles", []):
            if isinstance(throttle, WindowThrottle):
                throttle.give_back()
