"""Channels by name, chosen by settings.REMINDER_CHANNELS.

A listed channel that lacks credentials is left out, so local runs and tests need
none. Push goes to the channel of the device's platform; when that channel is not
active, `locmem` or `console` stands in for it (tests and the embedded run).
"""

from django.conf import settings

from notifications.channels.apns import ApnsChannel
from notifications.channels.base import Channel, DeliveryError, Message, Recipient
from notifications.channels.fcm import FcmChannel
from notifications.channels.local import ConsoleChannel, LocmemChannel
from notifications.channels.mail import EmailChannel
from notifications.channels.webpush import WebPushChannel

__all__ = [
    "CHANNEL_CLASSES",
    "Channel",
    "DeliveryError",
    "Message",
    "Recipient",
    "active_channels",
]

CHANNEL_CLASSES: dict[str, type[Channel]] = {
    cls.name: cls
    for cls in (
        EmailChannel,
        FcmChannel,
        ApnsChannel,
        WebPushChannel,
        ConsoleChannel,
        LocmemChannel,
    )
}
PUSH_STAND_INS = ("locmem", "console")


class ActiveChannels:
    """The channels in use for one sending pass (instances keep their connections)."""

    def __init__(self, names: list[str]) -> None:
        unknown = [name for name in names if name not in CHANNEL_CLASSES]
        if unknown:
            raise ValueError(f"unknown reminder channel(s) in REMINDER_CHANNELS: {unknown}")
        self.by_name: dict[str, Channel] = {
            name: CHANNEL_CLASSES[name]() for name in names if CHANNEL_CLASSES[name].is_configured()
        }

    def email(self) -> Channel | None:
        return self.by_name.get("email")

    def push_for(self, platform: str) -> Channel | None:
        if platform in self.by_name:
            return self.by_name[platform]
        for stand_in in PUSH_STAND_INS:
            if stand_in in self.by_name:
                return self.by_name[stand_in]
        return None


_cache: dict[tuple, ActiveChannels] = {}


def active_channels() -> ActiveChannels:
    """Cached per configuration so a worker reuses provider clients across tasks."""
    key = (
        tuple(settings.REMINDER_CHANNELS),
        settings.FCM_CREDENTIALS_FILE,
        settings.APNS_KEY_FILE,
        settings.VAPID_PRIVATE_KEY,
        settings.EMAIL_BACKEND,
    )
    if key not in _cache:
        _cache[key] = ActiveChannels(list(settings.REMINDER_CHANNELS))
    return _cache[key]
