"""Email through Django's configured backend (SMTP, console, locmem or anymail)."""

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications.channels.base import Channel, DeliveryError, Message, Recipient

# The connection dropped or timed out before the server's answer: the message may
# have been accepted after DATA, or not at all.
ANSWER_LOST = (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError)


class EmailChannel(Channel):
    name = "email"

    def send(self, message: Message, recipient: Recipient) -> str:
        message_id = email_message_id(message.key)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.address],
            headers={**message.headers, "Message-ID": message_id},
            # Reminder mail must never fail silently: the outbox records every failure.
            connection=get_connection(fail_silently=False),
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            try:
                email.send()
            except ANSWER_LOST:
                # "Maybe sent": once more at once, on a new connection, with the same
                # Message-ID, so a server that did accept the first can drop the copy.
                email.connection = get_connection(fail_silently=False)
                email.send()
        except Exception as exc:
            raise classify_email_error(exc) from exc
        return message_id


def email_message_id(key: str) -> str:
    """`<delivery-ID@sender domain>` for a reminder: the same on every repeat."""
    if not key:
        return make_msgid(domain=_sender_domain())
    return f"<{key}@{_sender_domain()}>"


def _sender_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "localhost"


def classify_email_error(exc: Exception) -> DeliveryError:
    """Hard bounces (5xx, refused recipients) are permanent; the rest may pass later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return DeliveryError(
            f"recipient refused: {exc.recipients}", permanent=all(c >= 500 for c in codes)
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(
            f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
        )
    try:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        pass
    else:
        if isinstance(exc, AnymailRecipientsRefused):
            return DeliveryError(str(exc), permanent=True)
        if isinstance(exc, AnymailAPIError):
            status = getattr(exc, "status_code", None) or 0
            return DeliveryError(str(exc), permanent=400 <= status < 500 and status != 429)
    return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False)
