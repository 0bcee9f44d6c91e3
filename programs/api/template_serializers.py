from rest_framework import serializers

from config.api.strict import FreeTextField, StrictSerializer
from programs.api.item_serializers import MAX_ITEMS, LineOutSerializer, TemplateLineInSerializer
from programs.models import TemplatePhase

MAX_PHASES = 6


class TemplatePhaseOutSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    weeks = serializers.IntegerField(help_text="How long the phase runs.")
    advance = serializers.ChoiceField(
        choices=TemplatePhase.Advance.choices,
        help_text="How a program leaves this phase for the next: on its date, or when a "
        "clinician accepts the phase suggestion raised that day.",
    )
    description = serializers.CharField(help_text="What the phase is for, told to the patient.")
    items = LineOutSerializer(many=True)


class TemplateOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    slug = serializers.CharField(help_text="Stable key of a seeded protocol; may be empty.")
    scope = serializers.SerializerMethodField(help_text="global, or clinic for the clinic's own.")
    items = LineOutSerializer(many=True, help_text="Every line, of every phase.")
    phases = TemplatePhaseOutSerializer(many=True, help_text="Empty for a protocol without phases.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_scope(self, template) -> str:
        return "global" if template.clinic_id is None else "clinic"


class TemplatePhaseInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    weeks = serializers.IntegerField(min_value=1, max_value=52)
    advance = serializers.ChoiceField(choices=TemplatePhase.Advance.choices)
    description = FreeTextField(required=False, allow_blank=True, max_length=300)
    items = TemplateLineInSerializer(many=True, min_length=1, max_length=MAX_ITEMS)


def _check_orders(lines: list[dict]) -> None:
    orders = [line["order"] for line in lines]
    if len(set(orders)) != len(orders):
        raise serializers.ValidationError("Each line needs its own `order`.")


class TemplateInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = FreeTextField(required=False, allow_blank=True, max_length=10000)
    items = TemplateLineInSerializer(
        many=True, max_length=MAX_ITEMS, required=False, help_text="Lines without phases."
    )
    phases = TemplatePhaseInSerializer(
        many=True,
        min_length=2,
        max_length=MAX_PHASES,
        required=False,
        help_text="Instead of `items`: the phases in order, each with its lines; `order` "
        "is unique across all of them. A program starts in the first phase.",
    )
    lines_required = True

    def validate_items(self, items):
        _check_orders(items)
        return items

    def validate_phases(self, phases):
        _check_orders([line for phase in phases for line in phase["items"]])
        return phases

    def validate(self, attrs):
        if "items" in attrs and "phases" in attrs:
            raise serializers.ValidationError({"phases": ["Give `items` or `phases`, not both."]})
        if self.lines_required and "items" not in attrs and "phases" not in attrs:
            raise serializers.ValidationError({"items": ["Give `items` or `phases`."]})
        return attrs


class TemplatePatchSerializer(TemplateInSerializer):
    """Not `partial=True`: a partial root would let lines skip their required fields."""

    name = serializers.CharField(max_length=200, required=False)
    lines_required = False
