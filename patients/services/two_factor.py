"""TOTP second factor for staff (django-otp's TOTP devices) and the clinic's rule."""

import base64

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.models import Clinic, Clinician, User

DEVICE_NAME = "Authenticator app"


class NotAnOwner(Exception):
    """Only a clinic's owner may change what the clinic requires of everyone."""


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first call: its key is shown
    once as a QR code and text until a code from it confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_key_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in groups."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm a pending device with a code it produced; earlier devices are replaced."""
    if not device.verify_token(token.replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def totp_devices_remove(*, user: User) -> int:
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


def clinic_two_factor_set(*, clinic: Clinic, by: Clinician, required: bool) -> Clinic:
    if by.clinic_id != clinic.pk or not by.is_owner:
        raise NotAnOwner()
    clinic.require_two_factor = required
    clinic.save(update_fields=["require_two_factor"])
    return clinic
