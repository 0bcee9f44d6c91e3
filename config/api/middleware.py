"""Every error answer under /api/ is a problem+json, including Django's own.

DRF's exception handler (config.api.errors) shapes what views raise. Some answers
never reach it: the URL resolver's 404 for an unknown route or a non-integer id, a
body over DATA_UPLOAD_MAX_MEMORY_SIZE read by Django itself, an uncaught 500. Django
renders those as HTML pages; this middleware rewrites them into the same problem
shape, and answers an oversized body with 413 (logged once, by django.request, as a
warning) instead of a 400 logged as a security error with a traceback.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse

from config.api.errors import PROBLEM_MEDIA_TYPE, problem_response

API_PREFIX = "/api/"
GENERIC_DETAILS = {
    400: "The request could not be understood.",
    403: "Permission denied.",
    404: "No such resource.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    500: "Something went wrong on our side; it has been logged.",
}
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_MEDIA_TYPE)


class ProblemResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or _is_problem(response)
        ):
            return response
        status = response.status_code
        replacement = problem_response(status, GENERIC_DETAILS.get(status, "Request failed."))
        for name in KEPT_HEADERS:
            if name in response:
                replacement[name] = response[name]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
            return problem_response(413, GENERIC_DETAILS[413])
        return None
