"""Shapes of GET/PATCH /api/v1/me: the patient's profile and reminder preferences."""

import datetime as dt
import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.strict import StrictSerializer
from patients.api.fields import TimeZoneNameField
from patients.models import Patient
from patients.services.preferences import REMINDER_CHANNELS

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


class ClinicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QuietHoursSerializer(StrictSerializer):
    start = ClockTimeField(help_text="Local time quiet hours begin (HH:MM).")
    end = ClockTimeField(
        help_text="Local time they end (HH:MM); may be past midnight; must differ from start."
    )

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


class RemindersUpdateSerializer(StrictSerializer):
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

    def validate(self, attrs):
        if "enabled" not in attrs and "channels" not in attrs:
            return attrs
        patient = self.context.get("patient")
        enabled = attrs.get("enabled", patient.reminders_enabled if patient else False)
        channels = attrs.get("channels", patient.reminder_channels if patient else ["email"])
        if enabled and not channels:
            raise serializers.ValidationError(
                {"channels": ["Choose at least one channel, or set enabled to false."]}
            )
        return attrs


class MeUpdateSerializer(StrictSerializer):
    read_only_names = ("id", "first_name", "last_name", "email", "clinic")

    timezone = TimeZoneNameField(required=False)
    reminders = RemindersUpdateSerializer(
        required=False, help_text="Only the keys given change; the others keep their value."
    )
