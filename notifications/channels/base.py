"""One interface for every way a reminder can reach someone.

A channel turns a `Message` into one provider call and answers the provider's
message id, or raises `DeliveryError` saying whether trying again could help.
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar


class DeliveryError(Exception):
    """A send failed. `permanent` means retrying cannot help (stale token, hard bounce)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    """What to say: email uses subject/text/html/headers, push uses title/body/data.

    `key` names what the message is (for a reminder, its delivery row) and is the same
    every time that message is sent again, so a mail server or a phone can tell a
    repeat from a new message: it becomes the Message-ID and the push collapse ids.
    """

    subject: str
    text: str
    title: str = ""
    body: str = ""
    html: str = ""
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    key: str = ""


@dataclass(frozen=True)
class Recipient:
    """An email address, or a push token (Web Push: the endpoint, plus its keys)."""

    address: str
    name: str = ""
    keys: dict[str, Any] = field(default_factory=dict)


class Channel:
    name: ClassVar[str]

    @classmethod
    def is_configured(cls) -> bool:
        """A channel without credentials is disabled rather than failing every send."""
        return True

    def send(self, message: Message, recipient: Recipient) -> str:
        raise NotImplementedError
