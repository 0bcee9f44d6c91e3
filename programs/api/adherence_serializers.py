"""The adherence rates as every payload names them: one definition, one wording."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

COUNTED_DAYS = (
    "Counted days are the scheduled local days of the window before today, and today "
    "once it is complete; null when no day counts."
)
DAYS_COMPLETE_HELP = (
    "Percent (0-100) of counted days on which every scheduled exercise was done. " + COUNTED_DAYS
)
ITEMS_DONE_HELP = (
    "Percent (0-100) of the exercise occurrences scheduled on the counted days that were "
    "done (each line capped at its times per day). " + COUNTED_DAYS
)


def days_complete_rate_field(window: str = "", **kwargs) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, help_text=f"{DAYS_COMPLETE_HELP}{window}", **kwargs
    )


def items_done_rate_field(window: str = "", **kwargs) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=f"{ITEMS_DONE_HELP}{window}", **kwargs)


@extend_schema_field({"type": "number", "format": "double", "nullable": True, "deprecated": True})
class _DeprecatedRateField(serializers.FloatField):
    pass


def deprecated_rate_field(help_text: str) -> serializers.FloatField:
    """A rate kept under an older name for existing clients, marked deprecated."""
    return _DeprecatedRateField(allow_null=True, help_text=help_text)


class AdherenceRatesSerializer(serializers.Serializer):
    days_complete_rate = days_complete_rate_field()
    items_done_rate = items_done_rate_field()
