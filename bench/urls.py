"""The product's URLs plus a bare view for today_api's reference.

The bare view answers a prebuilt JSON body (the bytes of a real /me/today answer,
written to BENCH_REFERENCE_BODY by the benchmark before the server starts): the
cost of Django and gunicorn alone, without authentication, queries or DRF.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.views import APIView

from patients.api.permissions import IsPatient

_body_file = os.environ.get("BENCH_REFERENCE_BODY", "")
REFERENCE_BODY = Path(_body_file).read_bytes() if _body_file else b"{}"


def bare_json(request):
    return HttpResponse(REFERENCE_BODY, content_type="application/json")


class AuthenticatedBody(APIView):
    """The floor of this stack for an authenticated endpoint: DRF with the product's
    token authentication and patient permission, answering the prebuilt body with no
    query of its own. The gap between this and the bare view is not the endpoint's."""

    permission_classes = [IsPatient]

    def get(self, request):
        return HttpResponse(REFERENCE_BODY, content_type="application/json")


urlpatterns = [
    path("bench/bare-json", bare_json),
    path("bench/authenticated-json", AuthenticatedBody.as_view()),
    path("", include("config.urls")),
]
