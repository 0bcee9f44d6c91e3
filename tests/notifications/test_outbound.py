"""Outbound URL checks: what a patient or clinic owner may make our workers call."""

import socket

import pytest
from django.core.exceptions import ValidationError

from notifications.outbound import check_outbound_url


def _resolving_to(monkeypatch, *addresses):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://push.example.com/x", "scheme"),
        ("ftp://push.example.com/x", "scheme"),
        ("https://user:pw@push.example.com/x", "credentials"),
        ("https://127.0.0.1:18499/x", "ip_literal"),
        ("https://[::1]/x", "ip_literal"),
        ("https://10.0.0.5/x", "ip_literal"),
        ("https://localhost/x", "private_address"),
        ("https://push.example.com:notaport/x", "invalid"),
        ("", "invalid"),
    ],
)
def test_refused_shapes(url, code):
    with pytest.raises(ValidationError) as caught:
        check_outbound_url(url, resolve=False)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1"]
)
def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch, address):
    _resolving_to(monkeypatch, "93.184.216.34", address)
    with pytest.raises(ValidationError) as caught:
        check_outbound_url("https://sneaky.example.com/hook")
    assert caught.value.code == "private_address"


def test_a_public_name_passes_and_returns_its_host(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34")
    assert check_outbound_url("https://Hooks.Example.com./x") == "hooks.example.com"


def test_allow_list_matches_exact_hosts_and_dotted_suffixes():
    allowed = ["fcm.googleapis.com", ".push.apple.com"]
    assert check_outbound_url("https://fcm.googleapis.com/a", allowed_hosts=allowed, resolve=False)
    assert check_outbound_url("https://web.push.apple.com/a", allowed_hosts=allowed, resolve=False)
    with pytest.raises(ValidationError) as caught:
        check_outbound_url("https://evil.example/a", allowed_hosts=allowed, resolve=False)
    assert caught.value.code == "host_not_allowed"
