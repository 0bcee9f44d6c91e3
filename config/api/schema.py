"""Schema pieces shared by every endpoint."""

from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the one error body of the API (config.api.errors)."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        help_text=(
            "Field-level messages: {field: [message]}, nested for nested input and "
            "keyed by index for lists, e.g. {'logs': {'3': {'pain': ['...']}}}; "
            "{} when the error is not about a field."
        ),
    )


def problems(*codes: int) -> dict:
    """The error responses of an endpoint, for @extend_schema(responses=...)."""
    return {code: ProblemSerializer for code in codes}
