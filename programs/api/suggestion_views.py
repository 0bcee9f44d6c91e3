"""The clinic's progression suggestions: list (open by default), accept, dismiss."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response

from config.api.errors import problem
from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from programs.api.filters import SuggestionFilter
from programs.api.suggestion_serializers import SuggestionOutSerializer
from programs.selectors.suggestions import suggestions_for_clinic
from programs.services.programs import ProgramStateError
from programs.services.suggestions import (
    SuggestionClosed,
    suggestion_accept,
    suggestion_dismiss,
)
from programs.suggestion_models import Suggestion

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Suggestion id.")


class SuggestionListView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = SuggestionOutSerializer
    filterset_class = SuggestionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return suggestions_for_clinic(clinic_id=self.clinic_id)

    @extend_schema(
        summary="The clinic's progression suggestions, newest first (open ones unless "
        "`status` says otherwise)",
        responses={200: SuggestionOutSerializer(many=True), **problems(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.audit(AuditEvent.Action.READ, [suggestion.patient_id for suggestion in page])
        return self.get_paginated_response(SuggestionOutSerializer(page, many=True).data)


class SuggestionDecisionView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = SuggestionOutSerializer

    def decide(self, suggestion: Suggestion) -> Suggestion:
        raise NotImplementedError

    def post(self, request, pk):
        suggestion = get_object_or_404(suggestions_for_clinic(clinic_id=self.clinic_id), pk=pk)
        try:
            suggestion = self.decide(suggestion)
        except (SuggestionClosed, ProgramStateError) as exc:
            return problem(409, str(exc))
        self.audit(AuditEvent.Action.UPDATE, [suggestion.patient_id])
        suggestion = suggestions_for_clinic(clinic_id=self.clinic_id).get(pk=suggestion.pk)
        return Response(SuggestionOutSerializer(suggestion).data)


def _decision_schema(summary: str):
    """The shared POST of a decision, documented with its own summary."""
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            parameters=[ID_PARAMETER],
            request=None,
            responses={200: SuggestionOutSerializer, **problems(401, 403, 404, 409)},
        )
    )


@_decision_schema("Accept an open suggestion: the line changes as a new program version")
class SuggestionAcceptView(SuggestionDecisionView):
    def decide(self, suggestion):
        return suggestion_accept(suggestion=suggestion, by=self.request.user)


@_decision_schema("Dismiss an open suggestion; it is not raised again on the same evidence")
class SuggestionDismissView(SuggestionDecisionView):
    def decide(self, suggestion):
        return suggestion_dismiss(suggestion=suggestion, by=self.request.user)
