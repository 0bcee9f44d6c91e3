"""The body of POST /api/v1/programs/{id}/pause: an optional first paused date."""

from collections.abc import Mapping

from rest_framework import serializers

UNTIL_REFUSED = (
    "A pause lasts until the program is resumed (POST /programs/{id}/resume); "
    "an end date cannot be set in advance."
)


class PauseInSerializer(serializers.Serializer):
    """`from` is a Python keyword, hence get_fields."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False,
            help_text=(
                "First paused local date; default today. An earlier date records the "
                "days since as paused (not missed): not before the program's start or "
                "an earlier pause's end, nor over days with logs."
            ),
        )
        return fields

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {
                name: [UNTIL_REFUSED if name == "until" else "Unknown field."]
                for name in data
                if name not in self.fields
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
