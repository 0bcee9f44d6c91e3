"""Lines of protocols and programs: exercise + dose + schedule, in and out."""

from rest_framework import serializers

from config.api.strict import FreeTextField, StrictSerializer
from programs.models import WEEKDAYS, Side, days_to_mask

MAX_ITEMS = 100


class LineInSerializer(StrictSerializer):
    """Every field is optional here; what a line needs depends on its use (a new
    line needs an exercise; an override changes only what it gives)."""

    exercise = serializers.SlugField(max_length=100, required=False, help_text="Exercise slug.")
    order = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    sets = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    reps = serializers.IntegerField(min_value=1, max_value=200, required=False, allow_null=True)
    hold_seconds = serializers.IntegerField(
        min_value=1, max_value=600, required=False, allow_null=True
    )
    duration_seconds = serializers.IntegerField(
        min_value=1, max_value=14400, required=False, allow_null=True
    )
    side = serializers.ChoiceField(choices=Side.choices, required=False)
    days_of_week = serializers.ListField(
        child=serializers.ChoiceField(choices=WEEKDAYS),
        min_length=1,
        max_length=7,
        required=False,
        help_text="ISO weekdays, Monday = 1 ... Sunday = 7.",
    )
    times_per_day = serializers.IntegerField(min_value=1, max_value=10, required=False)
    notes = FreeTextField(max_length=2000, required=False, allow_blank=True)

    def validate_days_of_week(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Give each weekday once.")
        return value

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "days_of_week" in values:
            values["days_mask"] = days_to_mask(values.pop("days_of_week"))
        return values


class TemplateLineInSerializer(LineInSerializer):
    exercise = serializers.SlugField(max_length=100, help_text="Exercise slug.")
    order = serializers.IntegerField(min_value=1, max_value=1000)


class ProgramLineInSerializer(LineInSerializer):
    key = serializers.UUIDField(
        required=False,
        help_text="The line being edited (PATCH only); leave out for a new line.",
    )


class LineOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    exercise = serializers.CharField(source="exercise.slug", help_text="Exercise slug.")
    exercise_name = serializers.CharField(source="exercise.name")
    order = serializers.IntegerField()
    sets = serializers.IntegerField(allow_null=True)
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)
    side = serializers.ChoiceField(choices=Side.choices)
    days_of_week = serializers.ListField(child=serializers.IntegerField())
    times_per_day = serializers.IntegerField()
    notes = serializers.CharField()


class ProgramLineOutSerializer(LineOutSerializer):
    key = serializers.UUIDField(help_text="Stable across versions of this line.")
    version = serializers.IntegerField(help_text="Program version that introduced this row.")
    valid_from = serializers.DateField()


def exercise_slugs(lines: list[dict]) -> set[str]:
    return {line["exercise"] for line in lines if "exercise" in line}
