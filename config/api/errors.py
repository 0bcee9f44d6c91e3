"""One error shape for the whole API: RFC 9457 problem details.

    {"type": "about:blank", "title": "Invalid input.", "status": 400,
     "detail": "...", "errors": {"field": ["message"], ...}}

served as `application/problem+json`. `errors` is always present: DRF's field-level
messages unchanged (nested for nested input, keyed by index for lists) so the app
can point at the exact field, and `{}` when the error is not about a field.
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TITLES = {
    400: "Invalid input.",
    401: "Not authenticated.",
    403: "Permission denied.",
    404: "Not found.",
    405: "Method not allowed.",
    406: "Not acceptable.",
    409: "Conflict.",
    413: "Content too large.",
    415: "Unsupported media type.",
    429: "Too many requests.",
    500: "Server error.",
}
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_body(status_code: int, detail: str, errors=None) -> dict:
    return {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error."),
        "status": status_code,
        "detail": detail,
        "errors": errors if errors is not None else {},
    }


def problem(status_code: int, detail: str, errors=None, headers=None) -> Response:
    """A problem answer from inside a DRF view."""
    response = Response(
        problem_body(status_code, detail, errors), status=status_code, headers=headers
    )
    response.content_type = PROBLEM_MEDIA_TYPE
    return response


def problem_response(status_code: int, detail: str) -> HttpResponse:
    """A problem answer outside DRF (Django's own 404, 413, 500 under /api/)."""
    return HttpResponse(
        json.dumps(problem_body(status_code, detail)),
        status=status_code,
        content_type=PROBLEM_MEDIA_TYPE,
    )


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        k: v
        for k, v in response.headers.items()
        if k in {"WWW-Authenticate", "Retry-After", "Allow"}
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict | list) else [exc.detail]
        if isinstance(errors, list):
            errors = {"non_field_errors": errors}
        return problem(
            status.HTTP_400_BAD_REQUEST, "One or more fields are invalid.", errors, headers
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, dict | list):
        return problem(response.status_code, "Request failed.", detail, headers)
    return problem(response.status_code, str(detail), None, headers)
