"""The product's URLs plus today_api's reference and context views.

The bare view answers a prebuilt JSON body (the bytes of a real /me/today answer,
written to BENCH_REFERENCE_BODY by the benchmark before the server starts): the
cost of Django and gunicorn alone, without authentication, queries or DRF. It sits
outside /api/v1/, so every middleware of the project runs for it.

The other two sit under /api/v1/ as every token endpoint does (so they get the API's
middleware): the floor, DRF and token auth answering the same bytes; and today's
routine read right after an edit (the patient's cached today made stale first, as
every write to their day does, then the real view).
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.views import APIView

from patients.api.permissions import IsPatient
from programs.api.me_views import TodayView
from programs.selectors.today_cache import today_cache_bump

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


class TodayAfterEdit(TodayView):
    """GET /me/today as the first read after an edit of the patient's day."""

    def get(self, request):
        today_cache_bump(patient_ids=[self.patient().pk])
        return super().get(request)


urlpatterns = [
    path("bench/bare-json", bare_json),
    path("api/v1/_bench/authenticated-json", AuthenticatedBody.as_view()),
    path("api/v1/_bench/today-after-edit", TodayAfterEdit.as_view()),
    path("", include("config.urls")),
]
