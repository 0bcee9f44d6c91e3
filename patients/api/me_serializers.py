"""Shapes of GET/PATCH /api/v1/me: the patient's profile and reminder preferences."""

import datetime as dt
import re
from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from patients.models import Patient
from patients.services.preferences import REMINDER_CHANNELS
from patients.timezones import validate_timezone_name

CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "18:00"}
)
class ClockTimeField(serializers.Field):
    """A local wall-clock time written exactly as HH:MM (24-hour, 00:00 to 23:59)."""

    default_error_messages = {"invalid": "Use a 24-hour time written HH:MM, from 00:00 to 23:59."}

    def to_internal_value(self, data) -> dt.time:
        if not isinstance(data, str) or not CLOCK_TIME.fullmatch(data):
            self.fail("invalid")
        return dt.time(int(data[:2]), int(data[3:]))

    def to_representation(self, value: dt.time) -> str:
        return value.strftime("%H:%M")


class RejectUnknownFieldsMixin:
    """PATCH bodies name only fields that can change; anything else is a field error."""

    read_only_names: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                if name not in self.fields:
                    errors[name] = [
                        "This field cannot be changed."
                        if name in self.read_only_names
                        else "Unknown field."
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ClinicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QuietHoursSerializer(serializers.Serializer):
    start = ClockTimeField(help_text="Local time quiet hours begin (HH:MM).")
    end = ClockTimeField(help_text="Local time they end (HH:MM); may be past midnight.")

    def validate(self, attrs):
        if attrs["start"] == attrs["end"]:
            raise serializers.ValidationError({"end": ["Must differ from start."]})
        return attrs


class RemindersSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    local_time = ClockTimeField(help_text="When the daily reminder is due, in local time.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=REMINDER_CHANNELS))
    quiet_hours = QuietHoursSerializer(
        allow_null=True, help_text="No reminders between start and end; null for none."
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    timezone = serializers.CharField(help_text="IANA time-zone name, e.g. Europe/London.")
    clinic = ClinicSerializer()
    reminders = RemindersSerializer()


def me_data(patient: Patient) -> dict:
    """The profile as MeSerializer renders it."""
    user = patient.user
    quiet = None
    if patient.quiet_start is not None and patient.quiet_end is not None:
        quiet = {"start": patient.quiet_start, "end": patient.quiet_end}
    return MeSerializer(
        {
            "id": patient.pk,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "timezone": patient.timezone,
            "clinic": {"id": patient.clinic_id, "name": patient.clinic.name},
            "reminders": {
                "enabled": patient.reminders_enabled,
                "local_time": patient.reminder_time,
                "channels": patient.reminder_channels,
                "quiet_hours": quiet,
            },
        }
    ).data


class RemindersUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    local_time = ClockTimeField(
        required=False, help_text="HH:MM, 00:00 to 23:59; not inside the quiet hours."
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=REMINDER_CHANNELS),
        required=False,
        max_length=len(REMINDER_CHANNELS),
        help_text="Each known channel at most once; [] for none.",
    )
    quiet_hours = QuietHoursSerializer(
        required=False, allow_null=True, help_text="Both start and end, or null to clear."
    )

    def validate_channels(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Name each channel at most once.")
        return value


class MeUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    read_only_names = ("id", "first_name", "last_name", "email", "clinic")

    timezone = serializers.CharField(
        required=False,
        max_length=64,
        trim_whitespace=False,
        help_text="IANA time-zone name, e.g. America/Chicago.",
    )
    reminders = RemindersUpdateSerializer(
        required=False, help_text="Only the keys given change; the others keep their value."
    )

    def validate_timezone(self, value: str) -> str:
        # A method, not a field validator: it runs only once max_length has passed.
        validate_timezone_name(value)
        return value
