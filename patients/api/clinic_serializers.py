"""Clinician-side serializers for patients: separate input and output shapes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.strict import StrictSerializer
from patients.api.fields import TimeZoneNameField
from patients.models import Patient


class ClinicianRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class RemindersSummarySerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    local_time = serializers.CharField(help_text="HH:MM in the patient's time zone.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=["push", "email"]))
    email_reachable = serializers.BooleanField(
        help_text="False once the patient unsubscribed or the address bounced."
    )


class PatientOutSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.EmailField(source="user.email")
    primary_clinician = serializers.SerializerMethodField()
    activated = serializers.SerializerMethodField(
        help_text="True once the patient redeemed an invite code and set a password."
    )
    last_7_days = serializers.SerializerMethodField(
        help_text="The same as `days_complete_rate`, under the name it has always had."
    )
    days_complete_rate = serializers.SerializerMethodField(
        help_text="Percent (0-100) of the counted days of the last 7 local days on which "
        "every scheduled exercise was done. Counted days are the scheduled days before "
        "today, and today once complete; null when no day counts."
    )
    items_done_rate = serializers.SerializerMethodField(
        help_text="Percent (0-100) of the exercise occurrences scheduled on the same "
        "counted days that were done (each line capped at its times per day)."
    )
    last_log_at = serializers.DateTimeField(allow_null=True)
    open_alerts = serializers.IntegerField()

    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "timezone",
            "primary_clinician",
            "activated",
            "last_7_days",
            "days_complete_rate",
            "items_done_rate",
            "last_log_at",
            "open_alerts",
            "created_at",
        ]

    @extend_schema_field(ClinicianRefSerializer(allow_null=True))
    def get_primary_clinician(self, patient) -> dict | None:
        clinician = patient.primary_clinician
        if clinician is None:
            return None
        user = clinician.user
        return {"id": clinician.pk, "name": user.get_full_name() or user.email, "email": user.email}

    def get_activated(self, patient) -> bool:
        return patient.user.has_usable_password()

    def _rates(self, patient):
        """The patient's adherence rates of the last 7 days from context["rates"]
        ({patient id: an object with both rates}); absent means none."""
        return self.context["rates"].get(patient.pk)

    def get_last_7_days(self, patient) -> float | None:
        return self.get_days_complete_rate(patient)

    def get_days_complete_rate(self, patient) -> float | None:
        rates = self._rates(patient)
        return rates.days_complete_rate if rates is not None else None

    def get_items_done_rate(self, patient) -> float | None:
        rates = self._rates(patient)
        return rates.items_done_rate if rates is not None else None


class PatientDetailOutSerializer(PatientOutSerializer):
    reminders = serializers.SerializerMethodField()

    class Meta(PatientOutSerializer.Meta):
        fields = [*PatientOutSerializer.Meta.fields, "reminders", "updated_at"]

    @extend_schema_field(RemindersSummarySerializer)
    def get_reminders(self, patient) -> dict:
        return {
            "enabled": patient.reminders_enabled,
            "local_time": patient.reminder_time.strftime("%H:%M"),
            "channels": patient.reminder_channels,
            "email_reachable": patient.email_reachable,
        }


class PatientCreatedSerializer(PatientDetailOutSerializer):
    invite_code = serializers.CharField(help_text="Single-use activation code, also emailed.")
    invite_expires_at = serializers.DateTimeField()

    class Meta(PatientDetailOutSerializer.Meta):
        fields = [*PatientDetailOutSerializer.Meta.fields, "invite_code", "invite_expires_at"]


class PatientInSerializer(StrictSerializer):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(
        max_length=254,
        help_text="Refused only when a patient or clinician of your clinic already uses it. "
        "On a change the address stays as it was until the new one confirms: a link is "
        "emailed to it (or, if it signs in to another account, a notice to its owner), "
        "and the answer is the same either way.",
    )
    timezone = TimeZoneNameField()
    primary_clinician = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of a clinician of your clinic; defaults to you on create.",
    )


class InviteOutSerializer(serializers.Serializer):
    invite_code = serializers.CharField()
    invite_expires_at = serializers.DateTimeField()


class PatientSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100)
