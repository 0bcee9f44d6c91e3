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


class SuggestedPhaseSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()


class SuggestionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = AlertPatientSerializer()
    program = serializers.IntegerField(source="program_id")
    line_key = serializers.UUIDField(
        allow_null=True, help_text="The program line (`key` of its items); null for kind phase."
    )
    item = serializers.IntegerField(
        source="item_id", allow_null=True, help_text="The item row judged; null for kind phase."
    )
    kind = serializers.ChoiceField(choices=Suggestion.Kind.choices)
    status = serializers.ChoiceField(choices=Suggestion.Status.choices)
    evidence = serializers.CharField(
        help_text='Why, in words: "3 of 4 sessions complete, pain 1-2, difficulty 4".'
    )
    change = serializers.CharField(help_text="What accepting does, in words.")
    exercise = SuggestedExerciseSerializer(
        source="to_exercise",
        allow_null=True,
        help_text="The exercise the line would have; null for kind phase.",
    )
    phase = SuggestedPhaseSerializer(
        source="to_phase",
        allow_null=True,
        help_text="Kind phase: the protocol phase accepting moves the program to.",
    )
    dose = SuggestedDoseSerializer(
        source="*", help_text="The dose the line would have; all null for kind phase."
    )
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
