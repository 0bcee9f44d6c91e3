"""The one request-body parser of the API: strict JSON, checked before any view sees it.

DRF's JSONParser lets three kinds of body through to code that then fails with a 500:
nesting deep enough to exhaust the interpreter's recursion limit, `\\ud800`-style
escapes that decode to lone surrogates (which no encoder accepts, so hashing or
rendering them raises), and NaN/Infinity. This parser refuses all three with a
400 problem, so views, serializers and throttles only ever see well-formed data.
"""

import codecs
import json
import re
from collections.abc import Iterator

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# The deepest legitimate body (a program's lines) nests four levels; 32 leaves room.
MAX_JSON_DEPTH = 32
# A \u escape of a UTF-16 surrogate; only escapes can produce a lone one, since the
# body itself must be valid UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]", re.ASCII)


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "body_too_large"


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON.")


def _containers(value) -> Iterator[tuple[object, int]]:
    """Every list and object in `value` with its depth (1 for the outermost)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def check_json_value(value, text: str) -> None:
    """Raise ParseError if `value` (parsed from `text`) nests too deep or holds a
    string that is not valid Unicode."""
    if isinstance(value, dict | list):
        for _node, depth in _containers(value):
            if depth > MAX_JSON_DEPTH:
                raise exceptions.ParseError(
                    f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted."
                )
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise exceptions.ParseError(
                "The body holds a \\u escape of a lone UTF-16 surrogate, which is not "
                "valid Unicode."
            ) from None


class StrictJSONParser(JSONParser):
    """JSON bodies only; UTF-8, bounded size and depth, valid Unicode, no NaN."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(f"The body is not valid {encoding}.") from None
        try:
            value = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise exceptions.ParseError(
                f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted."
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error: {exc}") from None
        check_json_value(value, text)
        return value
