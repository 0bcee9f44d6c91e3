"""Checks for URLs the workers call on someone else's behalf (Web Push, webhooks).

A patient registers a Web Push endpoint and a clinic owner registers a webhook URL;
the workers then POST to them from inside our network. Without a check, either is a
blind server-side request forgery: `https://127.0.0.1:5432/`, a cloud metadata
address, or a name that resolves to a private address. Every outbound URL is
checked when it is registered and again right before each request (a name can be
re-pointed after registration), and callers never follow redirects.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

MAX_URL_LENGTH = 2048


def _host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """`push.example` matches itself; `.push.example` matches it and any subdomain."""
    for pattern in allowed_hosts:
        pattern = pattern.strip().lower()
        if not pattern:
            continue
        if pattern.startswith("."):
            if host == pattern[1:] or host.endswith(pattern):
                return True
        elif host == pattern:
            return True
    return False


def resolve_public_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; refuses the lot if any one is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(f"The host {host!r} does not resolve.", code="unresolvable") from exc
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise ValidationError(
                "The URL must point at a public internet address.", code="private_address"
            )
    return addresses


def check_outbound_url(
    url: str,
    *,
    allowed_hosts: Iterable[str] | None = None,
    resolve: bool = True,
) -> str:
    """Validate `url` as a target for a server-side POST; return its host name.

    Rules: `https` only; no user name or password; a DNS name, never an IP literal;
    when `allowed_hosts` is given the host must match one of them; with `resolve`
    every address the name resolves to must be a public (global) one. Raises
    `django.core.exceptions.ValidationError` with a message safe to show the caller.
    """
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            f"Enter an https URL of at most {MAX_URL_LENGTH} characters.", code="invalid"
        )
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as exc:
        raise ValidationError("Enter a valid https URL.", code="invalid") from exc
    if parts.scheme != "https":
        raise ValidationError("Only https URLs are accepted.", code="scheme")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("The URL must not carry a user name or password.", code="credentials")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ValidationError("Enter a valid https URL.", code="invalid")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ValidationError("The URL must use a host name, not an IP address.", code="ip_literal")
    if "." not in host:
        raise ValidationError("The URL must use a public host name.", code="private_address")
    if allowed_hosts is not None and not _host_allowed(host, allowed_hosts):
        raise ValidationError("This host is not an accepted push service.", code="host_not_allowed")
    if resolve:
        resolve_public_addresses(host, port)
    return host
