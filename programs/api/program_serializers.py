import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.strict import StrictSerializer
from programs.api.adherence_serializers import (
    days_complete_rate_field,
    deprecated_rate_field,
    items_done_rate_field,
)
from programs.api.item_serializers import (
    MAX_ITEMS,
    ProgramLineInSerializer,
    ProgramLineOutSerializer,
)
from programs.design_guard import program_warnings
from programs.models import Program, TemplatePhase
from programs.selectors.phases import phase_summary

MAX_REPORT_DAYS = 366
# Far-off dates are typing errors, and date arithmetic near year 1 or 9999 overflows.
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


def _sane_date(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise serializers.ValidationError(f"Use a date between {MIN_DATE} and {MAX_DATE}.")
    return value


BOUNDED_DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": "^(20[0-9][0-9]|2100)-[0-9][0-9]-[0-9][0-9]$",
    "description": f"A date from {MIN_DATE} to {MAX_DATE}.",
}


@extend_schema_field(BOUNDED_DATE_SCHEMA)
class BoundedDateField(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_sane_date)


class PauseOutSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True, help_text="Exclusive; null while paused.")


class ProgramWarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("too_many_daily_exercises", "Too many a day")])
    message = serializers.CharField(help_text="For the clinician, in words.")
    limit = serializers.IntegerField(help_text="The clinic's daily exercise limit.")
    count = serializers.IntegerField(help_text="Exercises on the program's busiest day.")


class NextPhaseSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    advance = serializers.ChoiceField(
        choices=TemplatePhase.Advance.choices,
        help_text="date: the program moves on `on` by itself; approval: a phase suggestion "
        "is raised on `on` and the program moves when a clinician accepts it.",
    )
    on = serializers.DateField(help_text="The patient's local date the current phase has run.")


class ProgramPhaseSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    of = serializers.IntegerField(help_text="How many phases the protocol has.")
    name = serializers.CharField()
    description = serializers.CharField()
    started_on = serializers.DateField()
    next = NextPhaseSerializer(allow_null=True, help_text="Null in the last phase.")


class ProgramOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.IntegerField(source="patient_id")
    name = serializers.CharField()
    template = serializers.IntegerField(source="template_id", allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Program.Status.choices)
    version = serializers.IntegerField()
    phase = serializers.SerializerMethodField(
        help_text="Where the program stands in its protocol's phases; null without phases."
    )
    items = ProgramLineOutSerializer(
        many=True, source="current_items", help_text="The lines in force now."
    )
    pauses = PauseOutSerializer(many=True)
    warnings = serializers.SerializerMethodField(
        help_text="Design warnings; they never stop a program from being saved."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(ProgramPhaseSerializer(allow_null=True))
    def get_phase(self, program) -> dict | None:
        summary = phase_summary(program)
        return None if summary is None else ProgramPhaseSerializer(summary).data

    @extend_schema_field(ProgramWarningSerializer(many=True))
    def get_warnings(self, program) -> list[dict]:
        return program_warnings(
            items=program.current_items, limit=program.patient.clinic.daily_exercise_limit
        )


class ProgramInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    template = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A protocol to copy the lines from.",
    )
    start_date = BoundedDateField()
    end_date = BoundedDateField(required=False, allow_null=True)
    items = serializers.ListField(
        child=ProgramLineInSerializer(),
        required=False,
        max_length=MAX_ITEMS,
        help_text=(
            "Without a template: the lines (each needs `exercise`). With a template: "
            "overrides. An item whose `order` matches a protocol line changes the fields it "
            "gives; an item without `order` changes the one protocol line with the same "
            "exercise; any other item adds a line. `key` is ignored here."
        ),
    )

    def validate(self, attrs):
        end = attrs.get("end_date")
        if end is not None and end < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": ["Must not be before start_date."]})
        if not attrs.get("template") and not attrs.get("items"):
            raise serializers.ValidationError({"items": ["Give a template or at least one item."]})
        return attrs


class ProgramPatchSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    end_date = BoundedDateField(required=False, allow_null=True)
    items = serializers.ListField(
        child=ProgramLineInSerializer(),
        required=False,
        min_length=1,
        max_length=MAX_ITEMS,
        help_text=(
            "The complete new list of lines. An item with `key` edits that current line "
            "(only the fields it gives change); an item without `key` is a new line; a "
            "current line left out is retired. Changed lines start a new version from the "
            "patient's local today; past logs keep their rows."
        ),
    )


class AdherenceDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    scheduled = serializers.IntegerField(help_text="Exercise occurrences scheduled.")
    done = serializers.IntegerField(help_text="Occurrences done (capped per line).")
    pain_average = serializers.FloatField(allow_null=True)


class AdherenceTotalsSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField(help_text="Occurrences scheduled, every day of the range.")
    done = serializers.IntegerField(help_text="Occurrences done, every day of the range.")
    days_complete_rate = days_complete_rate_field(" Window: the range.")
    items_done_rate = items_done_rate_field(" Window: the range.")
    rate = deprecated_rate_field("Deprecated: the same as `items_done_rate`.")
    pain_average = serializers.FloatField(
        allow_null=True, help_text="Mean of the daily pain averages."
    )


class AdherenceReportSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    from_date = serializers.DateField()
    to_date = serializers.DateField()
    today = serializers.DateField(help_text="The patient's local today.")
    days = AdherenceDaySerializer(many=True)
    totals = AdherenceTotalsSerializer()
    data_days_last_30 = serializers.IntegerField(
        help_text="Days with any log in the 30 local days ending today."
    )
    rtm_eligible = serializers.BooleanField(
        help_text="16 or more data days: billable for remote therapeutic monitoring."
    )
