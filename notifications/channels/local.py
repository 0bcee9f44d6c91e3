"""Channels that need no provider: `console` prints, `locmem` keeps an outbox."""

import itertools
import sys
import threading
from dataclasses import dataclass

from notifications.channels.base import Channel, Message, Recipient

_ids = itertools.count(1)
_lock = threading.Lock()


@dataclass(frozen=True)
class SentPush:
    channel: str
    recipient: Recipient
    message: Message
    provider_id: str


# Like django.core.mail.outbox: tests read it, and clear it between tests.
outbox: list[SentPush] = []


class LocmemChannel(Channel):
    name = "locmem"

    def send(self, message: Message, recipient: Recipient) -> str:
        with _lock:
            provider_id = f"locmem-{next(_ids)}"
            outbox.append(SentPush(self.name, recipient, message, provider_id))
        return provider_id


class ConsoleChannel(Channel):
    name = "console"

    def send(self, message: Message, recipient: Recipient) -> str:
        provider_id = f"console-{next(_ids)}"
        sys.stdout.write(
            f"[push {provider_id}] to {recipient.address[:24]}: "
            f"{message.title or message.subject} - {message.body or message.text[:80]}\n"
        )
        sys.stdout.flush()
        return provider_id
