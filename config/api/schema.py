"""Schema pieces shared by every endpoint."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from config.api.strict import FreeTextField


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


PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Answers any operation can give before its view runs, and what they mean.
BODY_ERRORS = {
    "400": "Malformed JSON, or a field error (see `errors`).",
    "413": "The body is larger than the upload limit.",
    "415": "The body is not application/json.",
}
# Request lists whose elements the server requires to be distinct.
UNIQUE_LISTS = {"days_of_week", "channels"}
PAGE_ERRORS = {
    "400": "A field error, e.g. an invalid `page` or `page_size`.",
    "404": "A page past the last one.",
}


def _problem_response(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}}


def problem_details_postprocess(result, generator, request, public):
    """drf-spectacular postprocessing hook: errors as the server sends them.

    Every 4xx/5xx answer is documented as `application/problem+json` (the media type
    config.api.errors sends), operations with a body also document the parser's
    400/413/415, and paginated lists their `page`/`page_size` errors. Request bodies
    are closed (`additionalProperties: false`): the server refuses unknown keys
    (config.api.strict)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
            for prop in UNIQUE_LISTS & set(component.get("properties", {})):
                component["properties"][prop]["uniqueItems"] = True
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                content = response.get("content")
                if code[:1] in {"4", "5"} and content:
                    # Errors are problem details whatever the operation's own media
                    # types (a FHIR or CSV endpoint's errors too).
                    schema = content.get(PROBLEM_MEDIA_TYPE) or content.get("application/json")
                    response["content"] = {PROBLEM_MEDIA_TYPE: schema or {"schema": PROBLEM_REF}}
            extra = dict(BODY_ERRORS) if "requestBody" in operation else {}
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if "page" in names:
                extra.update(PAGE_ERRORS)
            for code, description in extra.items():
                responses.setdefault(code, _problem_response(description))
    return result


# The strings config.api.strict accepts, as ECMA-262 patterns: none of the forbidden
# characters, and at least one that is not white space (DRF trims the ends, so a
# string of spaces is blank).
_NAME_FORBIDDEN = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_TEXT_FORBIDDEN = (
    "\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
)


def _visible(forbidden: str) -> str:
    return f"^[^{forbidden}]*[^\\s{forbidden}][^{forbidden}]*$"


NAME_PATTERN = _visible(_NAME_FORBIDDEN)
FREE_TEXT_PATTERN = _visible(_TEXT_FORBIDDEN)


OWN_PATTERN_FIELDS = (
    serializers.SlugField,
    serializers.RegexField,
    serializers.EmailField,
    serializers.URLField,
    serializers.IPAddressField,
)


class StrictCharFieldExtension(OpenApiSerializerFieldExtension):
    """Request strings carry the control-character rule of config.api.strict."""

    target_class = "rest_framework.fields.CharField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        # Fields with a pattern or format of their own already exclude those characters.
        if direction != "request" or isinstance(self.target, OWN_PATTERN_FIELDS):
            return schema
        if {"pattern", "enum", "format"} & set(schema):
            return schema
        free_text = isinstance(self.target, FreeTextField)
        return {**schema, "pattern": FREE_TEXT_PATTERN if free_text else NAME_PATTERN}
