"""A patient's own settings: time zone and reminder preferences."""

import datetime as dt
from collections.abc import Collection
from enum import Enum

from django.core.exceptions import ValidationError

from patients.models import Patient
from patients.signals import patient_timezone_changed
from patients.timezones import validate_timezone_name

REMINDER_CHANNELS = ("push", "email")


class Unset(Enum):
    """Marks an argument that was not given, where None is a meaningful value."""

    UNSET = "unset"


UNSET = Unset.UNSET


def in_quiet_hours(at: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether wall-clock `at` falls in [start, end), which may run past midnight."""
    if start < end:
        return start <= at < end
    return at >= start or at < end


def _refuse_reminder_in_quiet_hours(patient: Patient, *, time_changed: bool) -> None:
    """A reminder due inside quiet hours would wait for their end, which is often the
    next day: the patient would never be reminded. Name the field that was changed."""
    start, end, at = patient.quiet_start, patient.quiet_end, patient.reminder_time
    if start is None or end is None or not in_quiet_hours(at, start, end):
        return
    span = f"{start:%H:%M}-{end:%H:%M}"
    if time_changed:
        raise ValidationError(
            {
                "local_time": f"{at:%H:%M} is inside your quiet hours ({span}), so no "
                "reminder would arrive. Choose a time outside them."
            }
        )
    raise ValidationError(
        {
            "quiet_hours": f"Quiet hours {span} would cover your reminder time "
            f"({at:%H:%M}), so no reminder would arrive. Move one of them."
        }
    )


def patient_preferences_update(
    *,
    patient: Patient,
    timezone: str | None = None,
    reminders_enabled: bool | None = None,
    reminder_time: dt.time | None = None,
    channels: Collection[str] | None = None,
    quiet_hours: tuple[dt.time, dt.time] | Unset | None = UNSET,
) -> Patient:
    """Change only what is given; `quiet_hours=None` clears the quiet hours.

    Raises django.core.exceptions.ValidationError keyed by field name.
    """
    fields: list[str] = []
    if timezone is not None:
        validate_timezone_name(timezone)
        patient.timezone = timezone
        fields.append("timezone")
    if reminders_enabled is not None:
        patient.reminders_enabled = reminders_enabled
        fields.append("reminders_enabled")
    if reminder_time is not None:
        patient.reminder_time = reminder_time.replace(second=0, microsecond=0)
        fields.append("reminder_time")
    if channels is not None:
        unknown = set(channels) - set(REMINDER_CHANNELS)
        if unknown:
            raise ValidationError({"channels": f"Unknown channels: {', '.join(sorted(unknown))}."})
        patient.remind_by_push = "push" in channels
        patient.remind_by_email = "email" in channels
        fields += ["remind_by_push", "remind_by_email"]
    if quiet_hours is not UNSET:
        start, end = quiet_hours if quiet_hours is not None else (None, None)
        if start is not None and start == end:
            raise ValidationError(
                {"quiet_hours": "Quiet hours must start and end at different times."}
            )
        patient.quiet_start, patient.quiet_end = start, end
        fields += ["quiet_start", "quiet_end"]
    if reminder_time is not None or quiet_hours is not UNSET:
        _refuse_reminder_in_quiet_hours(patient, time_changed=reminder_time is not None)
    if fields:
        patient.save(update_fields=[*fields, "updated_at"])
    if timezone is not None:
        patient_timezone_changed.send(sender=Patient, patient=patient)
    return patient
