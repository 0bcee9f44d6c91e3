from rest_framework import serializers

from programs.models import Alert


class AlertPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")


class AlertOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = AlertPatientSerializer()
    kind = serializers.ChoiceField(choices=Alert.Kind.choices)
    status = serializers.ChoiceField(choices=Alert.Status.choices)
    date = serializers.DateField(help_text="The patient's local date the alert is about.")
    detail = serializers.DictField(
        help_text="high_pain: {pain, log_id, item_id, exercise: {slug, name}, note} "
        "(note: the patient's own words on that log, may be empty); missed_days: {days}; "
        "pain_rising: {recent_average, previous_average, window_days}."
    )
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.IntegerField(source="resolved_by_id", allow_null=True)
