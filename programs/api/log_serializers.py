"""The clinician's view of a patient's logs: what was done, how it felt, what they said."""

from rest_framework import serializers


class LogExerciseSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ClinicianLogSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    date = serializers.DateField(help_text="The patient's local date the log counts for.")
    performed_at = serializers.DateTimeField()
    item = serializers.IntegerField(source="item_id", help_text="The prescription row.")
    program = serializers.IntegerField(source="item.program_id")
    exercise = LogExerciseSerializer(source="item.exercise")
    completed = serializers.BooleanField()
    sets_done = serializers.IntegerField(allow_null=True)
    reps_done = serializers.IntegerField(allow_null=True)
    hold_seconds_done = serializers.IntegerField(allow_null=True)
    duration_seconds_done = serializers.IntegerField(allow_null=True)
    pain = serializers.IntegerField(allow_null=True, help_text="0 (none) to 10.")
    difficulty = serializers.IntegerField(allow_null=True, help_text="RPE, 0 to 10.")
    note = serializers.CharField(
        allow_blank=True, help_text="The patient's own words on this log; empty when none."
    )
