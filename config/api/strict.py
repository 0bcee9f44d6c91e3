"""Strict input for every request body: JSON types as sent, ISO dates, no unknown keys.

DRF coerces by default: `"yes"` becomes True, `"7"` becomes 7, `1` becomes "1",
`20261201` and `2026-1-1` become dates, and keys it does not know are dropped. For
an API whose clients are generated from its schema that hides bugs, so every input
serializer derives from StrictSerializer, which checks the raw JSON value of each
field against the field's type before DRF's own validation runs:

- unknown keys are a field error ("Unknown field."), never silently ignored;
- booleans are JSON true/false, integers JSON integers (not strings, floats or
  booleans), strings JSON strings, choices exactly one of the listed values;
- dates are `YYYY-MM-DD` and instants ISO 8601 with a `T`;
- strings hold no control characters, and no bidirectional embedding, override or
  isolate characters (which make text display differently from what it says);
  FreeTextField alone allows newline and tab.
"""

import re
from collections.abc import Mapping

from rest_framework import serializers

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
ISO_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)
# C0 and C1 control characters, DEL, the line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_NAME_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

NOT_BOOLEAN = "Must be true or false (a JSON boolean)."
NOT_INTEGER = "Must be a whole number (a JSON integer)."
NOT_NUMBER = "Must be a number."
NOT_STRING = "Must be a string."
NOT_DATE = "Use an ISO 8601 date, YYYY-MM-DD."
NOT_INSTANT = "Use an ISO 8601 date and time, e.g. 2026-12-01T18:30:00+01:00."
NAME_CONTROL = "Must not contain control or text-direction characters."
TEXT_CONTROL = "Must not contain control or text-direction characters (newline and tab are fine)."
UNKNOWN_FIELD = "Unknown field."
READ_ONLY_FIELD = "This field cannot be changed."


class FreeTextField(serializers.CharField):
    """Free text (notes, descriptions, instructions): newline and tab allowed."""


def _choice_error(field: serializers.ChoiceField, value) -> str | None:
    keys = list(field.choices)
    if (
        isinstance(value, str | int)
        and not isinstance(value, bool)
        and any(type(key) is type(value) and key == value for key in keys)
    ):
        return None
    if field.allow_blank and value == "":
        return None
    return "Must be one of: " + ", ".join(str(key) for key in keys) + "."


def _string_error(field: serializers.CharField, value) -> str | None:
    if not isinstance(value, str):
        return NOT_STRING
    if isinstance(field, FreeTextField):
        return TEXT_CONTROL if _TEXT_FORBIDDEN.search(value) else None
    return NAME_CONTROL if _NAME_FORBIDDEN.search(value) else None


def value_error(field: serializers.Field, value):
    """Why `value`, as parsed from JSON, does not have `field`'s type; None if it does.

    Nested serializers check their own values (they are StrictSerializers too)."""
    if value is None or isinstance(field, serializers.BaseSerializer):
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else NOT_BOOLEAN
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else NOT_INTEGER
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else NOT_NUMBER
    if isinstance(field, serializers.DateTimeField):
        ok = isinstance(value, str) and ISO_INSTANT.fullmatch(value)
        return None if ok else NOT_INSTANT
    if isinstance(field, serializers.DateField):
        return None if isinstance(value, str) and ISO_DATE.fullmatch(value) else NOT_DATE
    if isinstance(field, serializers.ChoiceField):
        return _choice_error(field, value)
    if isinstance(field, serializers.CharField):
        return _string_error(field, value)
    if isinstance(field, serializers.UUIDField):
        return None if isinstance(value, str) else NOT_STRING
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        errors = {}
        for index, element in enumerate(value):
            message = value_error(field.child, element)
            if message is not None:
                errors[index] = message if isinstance(message, dict) else [message]
        return errors or None
    return None


class StrictSerializer(serializers.Serializer):
    # Base of every request-body serializer (see the module docstring). No docstring:
    # the schema would show it as the description of every subclass without one.

    # Keys a client may read but not write: "This field cannot be changed."
    read_only_names: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None or field.read_only:
                    errors[name] = [
                        READ_ONLY_FIELD if name in self.read_only_names else UNKNOWN_FIELD
                    ]
                    continue
                message = value_error(field, value)
                if message is not None:
                    errors[name] = message if isinstance(message, dict) else [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictQuerySerializer(serializers.Serializer):
    # Query strings: dates are YYYY-MM-DD, and an empty value is not "absent".

    def to_internal_value(self, data):
        errors = {}
        for name, field in self.fields.items():
            is_date = isinstance(field, serializers.DateField)
            if is_date and name in data and not ISO_DATE.fullmatch(data.get(name) or ""):
                errors[name] = [NOT_DATE]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
