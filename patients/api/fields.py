"""Serializer fields shared by the patients API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from patients.timezones import iana_zone_names, validate_timezone_name


@extend_schema_field(
    {
        "type": "string",
        "enum": sorted(iana_zone_names()),
        "description": "IANA time-zone name, e.g. Europe/London.",
    }
)
class TimeZoneNameField(serializers.CharField):
    """An IANA time-zone name; the schema lists every name the server accepts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.validators.append(validate_timezone_name)
