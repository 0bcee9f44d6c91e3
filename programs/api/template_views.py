"""Protocols: the clinic's own (editable) and the global starter ones (read-only)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from programs.api.item_serializers import exercise_slugs
from programs.api.template_serializers import (
    TemplateInSerializer,
    TemplateOutSerializer,
    TemplatePatchSerializer,
)
from programs.models import ProgramTemplate
from programs.selectors.clinic import exercises_by_slug, templates_for_clinic
from programs.services.templates import template_create, template_update

TEMPLATE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Protocol id.")


def resolve_exercises(clinic_id: int, lines: list[dict]) -> list[dict]:
    """Exercise slugs in request lines to exercises the clinic can see, else 404."""
    found = exercises_by_slug(clinic_id=clinic_id, slugs=exercise_slugs(lines))
    resolved = []
    for line in lines:
        if "exercise" in line:
            if line["exercise"] not in found:
                raise NotFound(f"Exercise '{line['exercise']}' not found.")
            line = {**line, "exercise": found[line["exercise"]]}
        resolved.append(line)
    return resolved


def resolve_lines(clinic_id: int, data: dict) -> dict:
    """`items` or `phases` of a request with their exercises resolved (see above)."""
    if "phases" in data:
        return {
            "phases": [
                {**phase, "items": resolve_exercises(clinic_id, phase["items"])}
                for phase in data["phases"]
            ]
        }
    if "items" in data:
        return {"items": resolve_exercises(clinic_id, data["items"])}
    return {}


class TemplateListCreateView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = TemplateOutSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgramTemplate.objects.none()
        return templates_for_clinic(clinic_id=self.clinic_id)

    @extend_schema(
        summary="Protocols: global starters and the clinic's own",
        responses={200: TemplateOutSerializer(many=True), **problems(401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a clinic protocol",
        request=TemplateInSerializer,
        responses={201: TemplateOutSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        serializer = TemplateInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = template_create(
            clinic=self.clinician.clinic,
            name=data["name"],
            description=data.get("description", ""),
            **resolve_lines(self.clinic_id, data),
        )
        template = self.get_queryset().get(pk=template.pk)
        return Response(TemplateOutSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = TemplateOutSerializer

    def get_object(self):
        return get_object_or_404(
            templates_for_clinic(clinic_id=self.clinic_id), pk=self.kwargs["pk"]
        )

    @extend_schema(
        summary="One protocol",
        parameters=[TEMPLATE_ID],
        responses={200: TemplateOutSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, pk):
        return Response(TemplateOutSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a clinic protocol; `items` or `phases`, when given, replace all lines",
        parameters=[TEMPLATE_ID],
        request=TemplatePatchSerializer,
        responses={200: TemplateOutSerializer, **problems(400, 401, 403, 404)},
    )
    def patch(self, request, pk):
        template = self.get_object()
        if template.clinic_id is None:
            raise PermissionDenied("Starter protocols are read-only; create your own instead.")
        serializer = TemplatePatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {
            **serializer.validated_data,
            **resolve_lines(self.clinic_id, serializer.validated_data),
        }
        template_update(template=template, data=data)
        return Response(TemplateOutSerializer(self.get_object()).data)
