"""A real SMTP server on loopback that counts what it accepted, per recipient and
per Message-ID, optionally slow (like a provider) or losing its answer after DATA."""

import asyncio
import os
import socket
import threading
from collections import Counter
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


def loopback_port() -> int:
    """A free port on 127.0.0.1: from TEST_PORT_RANGE ("low-high") when set, else any."""
    low, _, high = os.environ.get("TEST_PORT_RANGE", "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in TEST_PORT_RANGE {os.environ['TEST_PORT_RANGE']}")


class CountingInbox:
    def __init__(self, *, delay: float = 0.0, lose_answers: int = 0) -> None:
        self.delay = delay
        self.lose_answers = lose_answers  # this many first messages: accepted, no answer
        self.by_recipient: Counter[str] = Counter()
        self.by_message_id: Counter[str] = Counter()
        self.messages: list[tuple[list[str], bytes]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            self.by_recipient.update(envelope.rcpt_tos)
            self.by_message_id[str(headers["Message-ID"]).strip()] += 1
            lose = self.lose_answers > 0
            self.lose_answers -= lose
        if lose:
            # The message is accepted, but the client never hears so.
            server.transport.abort()
        return "250 Message accepted for delivery"

    @property
    def total(self) -> int:
        return sum(self.by_recipient.values())

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.by_recipient.values() if n > 1)


class SmtpSink:
    def __init__(self, inbox: CountingInbox) -> None:
        self.inbox = inbox
        self.controller = Controller(inbox, hostname="127.0.0.1", port=loopback_port())

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port
