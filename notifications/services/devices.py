"""Push devices: register (upsert by token) and forget."""

from django.db import IntegrityError, transaction

from notifications.models import Device
from patients.models import Patient


def device_register(
    *, patient: Patient, platform: str, token: str, name: str = "", keys: dict | None = None
) -> tuple[Device, bool]:
    """Upsert by token. Returns the device and whether it is new *to this patient*.

    A token registered on another patient's account (a shared or handed-on phone)
    is taken over: that row is deleted and a new one written, answered as new, so
    the answer never tells the caller that someone else had registered the token.
    The unique token constraint settles races: a concurrent insert of the same
    token makes ours fail, and we try again with the row the other request wrote.
    """
    fields = {
        "patient": patient,
        "platform": platform,
        "name": name,
        "webpush_keys": keys or {},
        "active": True,
        "deactivated_reason": "",
    }
    for _ in range(3):
        try:
            with transaction.atomic():
                device = Device.objects.select_for_update().filter(token=token).first()
                if device is not None and device.patient_id != patient.pk:
                    device.delete()
                    device = None
                if device is None:
                    return Device.objects.create(token=token, **fields), True
                for attr, value in fields.items():
                    setattr(device, attr, value)
                device.save()
                return device, False
        except IntegrityError:
            continue  # someone inserted this token between our read and our write
    raise IntegrityError("device registration kept conflicting")


def device_remove(*, patient: Patient, device_id: int) -> bool:
    deleted, _ = Device.objects.filter(pk=device_id, patient=patient).delete()
    return bool(deleted)
