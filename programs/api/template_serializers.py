from rest_framework import serializers

from config.api.strict import FreeTextField, StrictSerializer
from programs.api.item_serializers import MAX_ITEMS, LineOutSerializer, TemplateLineInSerializer


class TemplateOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    slug = serializers.CharField(help_text="Stable key of a seeded protocol; may be empty.")
    scope = serializers.SerializerMethodField(help_text="global, or clinic for the clinic's own.")
    items = LineOutSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_scope(self, template) -> str:
        return "global" if template.clinic_id is None else "clinic"


class TemplateInSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = FreeTextField(required=False, allow_blank=True, max_length=10000)
    items = TemplateLineInSerializer(many=True, max_length=MAX_ITEMS)

    def validate_items(self, items):
        orders = [item["order"] for item in items]
        if len(set(orders)) != len(orders):
            raise serializers.ValidationError("Each line needs its own `order`.")
        return items


class TemplatePatchSerializer(TemplateInSerializer):
    """Not `partial=True`: a partial root would let lines skip their required fields."""

    name = serializers.CharField(max_length=200, required=False)
    items = TemplateLineInSerializer(many=True, max_length=MAX_ITEMS, required=False)
