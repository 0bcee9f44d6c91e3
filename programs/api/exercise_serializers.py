import ipaddress
from urllib.parse import urlsplit

from rest_framework import serializers

from config.api.strict import FreeTextField, StrictSerializer
from programs.models import (
    EXERCISE_CONTENT_FIELDS,
    Category,
    Driver,
    Equipment,
    Exercise,
    Laterality,
    Region,
)


class ExerciseOutSerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField(help_text="global, or clinic for a private one.")
    regression = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    progression = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "scope",
            *EXERCISE_CONTENT_FIELDS,
            "regression",
            "progression",
            "created_at",
            "updated_at",
        ]

    def get_scope(self, exercise) -> str:
        return "global" if exercise.is_global else "clinic"

    def get_fields(self):
        fields = super().get_fields()
        # Typed lists for the schema; the stored JSON already holds these shapes.
        for name, choices in (
            ("body_regions", Region.choices),
            ("drivers", Driver.choices),
            ("equipment", Equipment.choices),
        ):
            fields[name] = serializers.ListField(
                child=serializers.ChoiceField(choices=choices), read_only=True
            )
        for name in ("target_muscles", "instructions", "cues", "common_mistakes", "cautions"):
            fields[name] = serializers.ListField(child=serializers.CharField(), read_only=True)
        fields["media_urls"] = serializers.ListField(child=serializers.URLField(), read_only=True)
        return fields


def validate_media_url(value: str) -> None:
    """Patients' apps load these: https only, and never a local or literal-IP host."""
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https":
        raise serializers.ValidationError("Use an https address.")
    if parts.username or parts.password:
        raise serializers.ValidationError("The address must not hold credentials.")
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise serializers.ValidationError("Use a public host name.")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    raise serializers.ValidationError("Use a host name, not an IP address.")


def _text_list(max_items: int = 30, max_length: int = 1000, free_text: bool = True, **kwargs):
    child_class = FreeTextField if free_text else serializers.CharField
    return serializers.ListField(
        child=child_class(max_length=max_length),
        max_length=max_items,
        required=False,
        **kwargs,
    )


def _choice_list(choices, **kwargs):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices),
        max_length=len(choices),
        required=False,
        **kwargs,
    )


def _unique(values: list) -> list:
    return list(dict.fromkeys(values))


class ExerciseInSerializer(StrictSerializer):
    """A clinic-private exercise. `slug` is set on create and cannot change."""

    slug = serializers.SlugField(
        max_length=100, help_text="Unique: no other exercise of the library may have it."
    )
    name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    body_regions = _choice_list(Region.choices)
    target_muscles = _text_list(max_length=100, free_text=False)
    drivers = _choice_list(Driver.choices)
    equipment = _choice_list(Equipment.choices)
    level = serializers.IntegerField(min_value=1, max_value=4, required=False)
    laterality = serializers.ChoiceField(choices=Laterality.choices, required=False)
    default_sets = serializers.IntegerField(
        min_value=1, max_value=20, required=False, allow_null=True
    )
    default_reps = serializers.IntegerField(
        min_value=1, max_value=200, required=False, allow_null=True
    )
    default_hold_seconds = serializers.IntegerField(
        min_value=1, max_value=600, required=False, allow_null=True
    )
    default_duration_seconds = serializers.IntegerField(
        min_value=1, max_value=14400, required=False, allow_null=True
    )
    instructions = _text_list()
    cues = _text_list()
    common_mistakes = _text_list()
    cautions = _text_list()
    media_urls = serializers.ListField(
        child=serializers.URLField(max_length=500, validators=[validate_media_url]),
        max_length=10,
        required=False,
        help_text="https addresses on a public host (no IP literals, no localhost).",
    )
    regression = serializers.SlugField(
        max_length=100, required=False, allow_null=True, help_text="Slug of an easier exercise."
    )
    progression = serializers.SlugField(
        max_length=100, required=False, allow_null=True, help_text="Slug of a harder exercise."
    )

    def validate_body_regions(self, value):
        return _unique(value)

    def validate_drivers(self, value):
        return _unique(value)

    def validate_equipment(self, value):
        if Equipment.NONE in value and len(set(value)) > 1:
            raise serializers.ValidationError('"none" cannot be listed with other equipment.')
        return _unique(value)


class ExercisePatchSerializer(ExerciseInSerializer):
    slug = None
