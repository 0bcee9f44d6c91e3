"""Webhook endpoints in the admin: owners only, their clinic only, secret shown once."""

import socket

import pytest
from django.test import Client
from django.urls import reverse

from notifications.webhooks.models import WebhookEndpoint, WebhookMessage
from patients.admin_scoping import grant_clinic_staff_permissions
from patients.models import Clinician
from tests import factories

pytestmark = pytest.mark.django_db


def staff_client(clinician) -> Client:
    user = clinician.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    grant_clinic_staff_permissions(user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def public_dns(monkeypatch):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)


ADD = reverse("admin:notifications_webhookendpoint_add")
LIST = reverse("admin:notifications_webhookendpoint_changelist")


def test_an_owner_adds_an_endpoint_and_sees_the_secret_once(clinic, public_dns):
    owner = factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)
    client = staff_client(owner)
    response = client.post(
        ADD,
        {
            "url": "https://ehr.example.com/in",
            "events": ["log.created", "alert.opened"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.clinic, endpoint.events) == (clinic, ["alert.opened", "log.created"])
    change = reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
    first = client.get(change).content.decode()  # the page after saving shows it once
    assert f"{endpoint.secret} — copy it now" in first
    assert endpoint.secret not in client.get(change).content.decode()


def test_the_admin_refuses_private_targets(clinic):
    owner = factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)
    response = staff_client(owner).post(
        ADD, {"url": "https://127.0.0.1/in", "events": ["log.created"], "active": "on"}
    )
    assert response.status_code == 200
    assert "not an IP address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_clinicians_who_are_not_owners_cannot_open_it(clinician):
    assert staff_client(clinician).get(LIST).status_code == 403


def test_owners_see_only_their_clinics_endpoints_and_can_replay(clinic, public_dns):
    owner = factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)
    mine = WebhookEndpoint.objects.create(
        clinic=clinic, url="https://mine.example/in", events=["log.created"], secret="whsec_AAAA"
    )
    theirs = WebhookEndpoint.objects.create(
        clinic=factories.ClinicFactory(),
        url="https://theirs.example/in",
        events=["log.created"],
        secret="whsec_BBBB",
    )
    client = staff_client(owner)
    listing = client.get(LIST).content.decode()
    assert mine.url in listing and theirs.url not in listing
    from django.utils import timezone

    failed = WebhookMessage.objects.create(
        endpoint=mine, msg_id="msg_1", event_type="log.created", payload={},
        next_attempt_at=timezone.now(), status="failed",
    )  # fmt: skip
    response = client.post(
        reverse("admin:notifications_webhookmessage_changelist"),
        {"action": "replay", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending"
