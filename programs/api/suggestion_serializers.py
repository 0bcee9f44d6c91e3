from rest_framework import serializers

from programs.api.alert_serializers import AlertPatientSerializer
from programs.suggestion_models import Suggestion


class SuggestedDoseSerializer(serializers.Serializer):
    sets = serializers.IntegerField(source="to_sets", allow_null=True)
    reps = serializers.IntegerField(source="to_reps", allow_null=True)
    hold_seconds = serializers.IntegerField(source="to_hold_seconds", allow_null=True)
    duration_seconds = serializers.IntegerField(source="to_duration_seconds", allow_null=True)


class SuggestedExerciseSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SuggestionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = AlertPatientSerializer()
    program = serializers.IntegerField(source="program_id")
    line_key = serializers.UUIDField(help_text="The program line (`key` of its items).")
    item = serializers.IntegerField(source="item_id", help_text="The item row judged.")
    kind = serializers.ChoiceField(choices=Suggestion.Kind.choices)
    status = serializers.ChoiceField(choices=Suggestion.Status.choices)
    evidence = serializers.CharField(
        help_text='Why, in words: "3 of 4 sessions complete, pain 1-2, difficulty 4".'
    )
    change = serializers.CharField(help_text="What accepting does, in words.")
    exercise = SuggestedExerciseSerializer(
        source="to_exercise", help_text="The exercise the line would have."
    )
    dose = SuggestedDoseSerializer(source="*", help_text="The dose the line would have.")
    window_start = serializers.DateField(help_text="First session of the evidence.")
    window_end = serializers.DateField(help_text="Last session of the evidence.")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.IntegerField(
        source="decided_by_id", allow_null=True, help_text="Empty when applied automatically."
    )
    applied_item = serializers.IntegerField(
        source="applied_item_id", allow_null=True, help_text="The item row accepting wrote."
    )
