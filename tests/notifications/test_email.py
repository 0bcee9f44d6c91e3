"""A reminder email through a real SMTP server, and its one-click unsubscribe."""

import datetime as dt
import email
import re
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.test import Client

from notifications.services.content import unsubscribe_token
from tests.notifications.conftest import at_local, make_patient, plan_at, rows, run_at

pytestmark = pytest.mark.django_db

TZ = "America/New_York"
DAY = dt.date(2026, 3, 10)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def received(inbox, count=1, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(inbox.messages) == count
    return [
        (rcpt, email.message_from_bytes(content, policy=policy.default))
        for rcpt, content in inbox.messages
    ]


def test_reminder_email_over_smtp_has_both_parts_links_and_one_click_headers(smtp_server):
    patient = make_patient(TZ, dt.time(7, 30), items=3, device=False)
    patient.user.first_name = "Dana"
    patient.user.save()
    run_at(at_local(TZ, DAY, 7, 30), tick=True)

    [(rcpt, message)] = received(smtp_server)
    assert rcpt == [patient.user.email]
    assert "Dana" in message["Subject"]
    unsubscribe = f"https://hep.example/u/{unsubscribe_token(patient.pk)}"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    today = f"https://hep.example/app/today?date={DAY}"
    for body in (text, html):
        assert "Dana" in body
        assert "3 exercises, about" in body
        assert today in body
        assert unsubscribe in body
    assert f'href="{today}"' in html
    row = rows(patient, local_date=DAY)[0]
    assert (row.status, row.provider_message_id) == ("sent", message["Message-ID"])


def test_smtp_hard_bounce_fails_the_row_and_marks_the_address(smtp_server):
    class Refusing(Inbox):
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 5.1.1 No such user"

    smtp_server.__class__ = Refusing
    patient = make_patient(TZ, dt.time(7, 30), device=False)
    run_at(at_local(TZ, DAY, 7, 30), tick=True)
    row = rows(patient, local_date=DAY)[0]
    assert row.status == "failed" and "550" in row.last_error
    patient.refresh_from_db()
    assert patient.email_bounced_at is not None


def test_one_click_unsubscribe_post_without_session_or_csrf_stops_emails(mailoutbox):
    patient = make_patient(TZ, dt.time(7, 30), device=False)
    run_at(at_local(TZ, DAY, 7, 30))
    [message] = mailoutbox
    url = re.search(r"<https://hep\.example(/u/[^>]+)>", message.extra_headers["List-Unsubscribe"])[
        1
    ]

    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"not email you reminders" in response.content
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is not None

    tomorrow = DAY + dt.timedelta(days=1)
    plan_at(at_local(TZ, tomorrow, 7, 30))
    row = rows(patient, local_date=tomorrow, channel="email")[0]
    assert (row.status, row.skip_reason) == ("skipped", "unsubscribed")
    assert len(mailoutbox) == 1


def test_unsubscribe_get_only_asks_for_confirmation():
    patient = make_patient(TZ, device=False)
    response = Client().get(f"/u/{unsubscribe_token(patient.pk)}")
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert b"Stop reminder emails" in response.content
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_or_damaged_unsubscribe_token_is_refused_kindly(method):
    patient = make_patient(TZ, device=False)
    forged = signing.Signer(salt="something-else").sign(str(patient.pk))
    damaged = unsubscribe_token(patient.pk)[:-3] + "xyz"
    for token in (forged, damaged, "nonsense", unsubscribe_token(999_999)):
        response = getattr(Client(enforce_csrf_checks=True), method)(f"/u/{token}")
        assert response.status_code == 404
        assert b"not valid" in response.content
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is None
