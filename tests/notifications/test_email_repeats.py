"""A repeated reminder email can be recognised: its Message-ID comes from the delivery
row, and an answer lost after DATA is retried once with that same Message-ID."""

import datetime as dt

import pytest

from notifications.channels import DeliveryError, Message, Recipient
from notifications.channels.mail import EmailChannel
from tests.notifications.conftest import at_local, make_patient, rows, run_at
from tests.notifications.smtp_sink import CountingInbox, SmtpSink

pytestmark = pytest.mark.django_db

TZ = "America/New_York"
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def smtp(settings):
    def start(**inbox_options) -> CountingInbox:
        inbox = CountingInbox(**inbox_options)
        sink = SmtpSink(inbox).__enter__()
        started.append(sink)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        return inbox

    started: list[SmtpSink] = []
    yield start
    for sink in started:
        sink.__exit__(None, None, None)


def test_reminder_message_id_is_the_delivery_row(smtp):
    inbox = smtp()
    patient = make_patient(TZ, dt.time(7, 30), device=False)
    run_at(at_local(TZ, DAY, 7, 30), tick=True)
    [row] = rows(patient, local_date=DAY, channel="email")
    assert row.status == "sent"
    assert row.provider_message_id == f"<delivery-{row.pk}@localhost>"
    assert inbox.by_message_id == {f"<delivery-{row.pk}@localhost>": 1}


def test_answer_lost_after_data_is_retried_once_with_the_same_message_id(smtp):
    inbox = smtp(lose_answers=1)
    patient = make_patient(TZ, dt.time(7, 30), device=False)
    run_at(at_local(TZ, DAY, 7, 30), tick=True)
    [row] = rows(patient, local_date=DAY, channel="email")
    assert (row.status, row.attempts) == ("sent", 1)
    # The server holds two copies that say they are one message.
    assert inbox.by_message_id == {f"<delivery-{row.pk}@localhost>": 2}
    assert inbox.by_recipient == {patient.user.email: 2}


def test_answer_lost_twice_is_a_transient_error_after_one_retry(smtp):
    inbox = smtp(lose_answers=5)
    message = Message(subject="s", text="t", key="delivery-7")
    with pytest.raises(DeliveryError) as error:
        EmailChannel().send(message, Recipient("pat@example.com"))
    assert error.value.permanent is False
    assert inbox.by_message_id == {"<delivery-7@localhost>": 2}


def test_a_message_without_a_key_gets_a_fresh_message_id_each_time(smtp):
    inbox = smtp()
    message = Message(subject="s", text="t")
    first = EmailChannel().send(message, Recipient("pat@example.com"))
    second = EmailChannel().send(message, Recipient("pat@example.com"))
    assert first != second and inbox.total == 2
