"""Clinician endpoints for the clinic's patients: list, create + invite, read, edit.

Every read or change of a patient's record is written to the audit trail.
"""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api.errors import problem
from config.api.schema import problems
from patients.api.clinic_serializers import (
    InviteOutSerializer,
    PatientCreatedSerializer,
    PatientDetailOutSerializer,
    PatientInSerializer,
    PatientOutSerializer,
)
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent, Patient
from patients.services.patients import (
    AlreadyActivated,
    EmailTaken,
    patient_create,
    patient_invite,
    patient_update,
)
from programs.api.patient_rows import ListedPatient, listed_patients, patient_row
from programs.outcomes.selectors import CHANGE_SORTS, ordered_by_change
from programs.selectors.clinic import (
    last_7_days_adherence,
    patients_for_clinic,
    patients_with_activity,
)

EMAIL_TAKEN = {"email": [EmailTaken.message]}


class PatientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=100, help_text="Part of the first name, last name or email."
    )

    ordering = django_filters.ChoiceFilter(
        method="order_by_change",
        choices=[(key, key) for base in CHANGE_SORTS for key in (base, f"-{base}")],
        help_text=(
            "Order by a measure's change since the start: its latest score minus its "
            "first (NPRS: negative is better; PSFS: positive is better); '-' for the "
            "largest first; patients without answers last. Default: by name."
        ),
    )

    class Meta:
        model = Patient
        fields = ["q", "ordering"]

    def order_by_change(self, queryset, name, value):
        return ordered_by_change(queryset, value)

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(user__first_name__icontains=term)
                | Q(user__last_name__icontains=term)
                | Q(user__email__icontains=term)
            )
        return queryset


def _render_patient(serializer_class, patient, rates):
    patients_with_activity(patients=[patient])
    return serializer_class(patient, context={"rates": rates}).data


class PatientListCreateView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = PatientOutSerializer
    filterset_class = PatientFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Patient.objects.none()
        return patients_for_clinic(clinic_id=self.clinic_id)

    @extend_schema(
        summary="The clinic's patients with their adherence summary",
        responses={200: PatientOutSerializer(many=True), **problems(400, 401, 403)},
    )
    def get(self, request, *args, **kwargs):
        queryset = listed_patients(self.filter_queryset(self.get_queryset()))
        rows = self.paginate_queryset(queryset)
        page = patients_with_activity(patients=[ListedPatient(*row) for row in rows])
        rates = last_7_days_adherence(patients=page)
        self.audit(AuditEvent.Action.READ, [patient.pk for patient in page])
        return self.get_paginated_response([patient_row(patient, rates) for patient in page])

    @extend_schema(
        summary="Add a patient and email them an invite code",
        request=PatientInSerializer,
        responses={201: PatientCreatedSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        serializer = PatientInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "primary_clinician" in data:
            primary = self.clinic_clinician(data["primary_clinician"])
        else:
            primary = self.clinician
        try:
            patient, invite = patient_create(
                clinic=self.clinician.clinic,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                timezone_name=data["timezone"],
                primary_clinician=primary,
            )
        except EmailTaken as exc:
            raise ValidationError(EMAIL_TAKEN) from exc
        self.audit(AuditEvent.Action.CREATE, [patient.pk])
        patient = patients_for_clinic(clinic_id=self.clinic_id).get(pk=patient.pk)
        patient.invite_code = invite.code
        patient.invite_expires_at = invite.expires_at
        body = _render_patient(PatientCreatedSerializer, patient, {})
        return Response(body, status=status.HTTP_201_CREATED)


PATIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")


class PatientDetailView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = PatientDetailOutSerializer

    def get_object(self):
        found = patients_for_clinic(clinic_id=self.clinic_id).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            self.patient_not_found(self.kwargs["pk"])
        return found

    def _render(self, patient):
        rates = last_7_days_adherence(patients=[patient])
        return _render_patient(PatientDetailOutSerializer, patient, rates)

    @extend_schema(
        summary="One patient",
        parameters=[PATIENT_ID],
        responses={200: PatientDetailOutSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, pk):
        patient = self.get_object()
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return Response(self._render(patient))

    @extend_schema(
        summary="Change a patient's name, email, time zone or primary clinician",
        parameters=[PATIENT_ID],
        request=PatientInSerializer(partial=True),
        responses={200: PatientDetailOutSerializer, **problems(400, 401, 403, 404)},
    )
    def patch(self, request, pk):
        patient = self.get_object()
        serializer = PatientInSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "primary_clinician" in data:
            data["primary_clinician"] = self.clinic_clinician(data["primary_clinician"])
        try:
            patient_update(patient=patient, data=data)
        except EmailTaken as exc:
            raise ValidationError(EMAIL_TAKEN) from exc
        self.audit(AuditEvent.Action.UPDATE, [patient.pk])
        return Response(self._render(self.get_object()))


class PatientInviteView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = InviteOutSerializer

    @extend_schema(
        summary="Issue a fresh invite code and email it (earlier codes stop working)",
        parameters=[PATIENT_ID],
        request=None,
        responses={200: InviteOutSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, pk):
        patient = self.clinic_patient(pk)
        try:
            invite = patient_invite(patient=patient)
        except AlreadyActivated:
            return problem(409, "This patient has already activated their account.")
        self.audit(AuditEvent.Action.UPDATE, [patient.pk])
        return Response({"invite_code": invite.code, "invite_expires_at": invite.expires_at})
