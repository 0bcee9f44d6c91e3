"""The exercise library for clinicians; single exercises for patients too."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.api.permissions import IsClinician, IsPatientOrClinician
from programs.api.exercise_serializers import (
    ExerciseInSerializer,
    ExerciseOutSerializer,
    ExercisePatchSerializer,
)
from programs.api.filters import ExerciseFilter
from programs.models import Exercise
from programs.selectors.clinic import (
    exercise_for_clinic,
    exercise_for_patient,
    exercises_by_slug,
    exercises_for_clinic,
)
from programs.services.exercises import SlugTaken, exercise_create, exercise_update

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Exercise slug.")
GLOBAL_READ_ONLY = "Global library exercises are read-only; create a private copy instead."


class ExerciseListCreateView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = ExerciseOutSerializer
    filterset_class = ExerciseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return exercises_for_clinic(clinic_id=self.clinic_id)

    @extend_schema(
        summary="The library: global exercises and the clinic's own",
        responses={200: ExerciseOutSerializer(many=True), **problems(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a clinic-private exercise",
        request=ExerciseInSerializer,
        responses={201: ExerciseOutSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        serializer = ExerciseInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = resolve_links(self.clinic_id, dict(serializer.validated_data), None)
        slug = data.pop("slug")
        try:
            exercise = exercise_create(clinic=self.clinician.clinic, slug=slug, data=data)
        except SlugTaken as exc:
            raise ValidationError(
                {"slug": ["This slug is already used in the library; choose another."]}
            ) from exc
        exercise = exercises_for_clinic(clinic_id=self.clinic_id).get(pk=exercise.pk)
        return Response(ExerciseOutSerializer(exercise).data, status=status.HTTP_201_CREATED)


def resolve_links(clinic_id: int, data: dict, own_slug: str | None) -> dict:
    """Regression/progression slugs to exercises the clinic can see, else 404."""
    wanted = [data[name] for name in ("regression", "progression") if data.get(name)]
    found = exercises_by_slug(clinic_id=clinic_id, slugs=wanted)
    for name in ("regression", "progression"):
        if name not in data or data[name] is None:
            continue
        slug = data[name]
        if own_slug is not None and slug == own_slug:
            raise ValidationError({name: ["An exercise cannot link to itself."]})
        if slug not in found:
            raise NotFound(f"Exercise '{slug}' not found.")
        data[name] = found[slug]
    return data


class ExerciseDetailView(generics.GenericAPIView):
    """Clinicians read their library and edit their clinic's own exercises; a patient
    reads an exercise one of their programs uses."""

    serializer_class = ExerciseOutSerializer
    permission_classes = [IsPatientOrClinician]

    def get_permissions(self):
        if self.request.method != "GET":
            return [IsClinician()]
        return super().get_permissions()

    def get_object(self) -> Exercise:
        user = self.request.user
        slug = self.kwargs["slug"]
        if hasattr(user, "clinician"):
            exercise = exercise_for_clinic(clinic_id=user.clinician.clinic_id, slug=slug)
        else:
            exercise = exercise_for_patient(patient=user.patient, slug=slug)
        if exercise is None:
            raise Http404
        return exercise

    @extend_schema(
        summary="One exercise (patients: one their programs use)",
        parameters=[SLUG],
        responses={200: ExerciseOutSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, slug):
        return Response(ExerciseOutSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a clinic-private exercise (global ones are read-only)",
        parameters=[SLUG],
        request=ExercisePatchSerializer(partial=True),
        responses={200: ExerciseOutSerializer, **problems(400, 401, 403, 404)},
    )
    def patch(self, request, slug):
        exercise = self.get_object()
        if exercise.is_global:
            raise PermissionDenied(GLOBAL_READ_ONLY)
        serializer = ExercisePatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = resolve_links(exercise.clinic_id, dict(serializer.validated_data), exercise.slug)
        exercise_update(exercise=exercise, data=data)
        exercise = exercise_for_clinic(clinic_id=exercise.clinic_id, slug=exercise.slug)
        return Response(ExerciseOutSerializer(exercise).data)
