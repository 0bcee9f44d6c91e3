"""GET/PATCH /api/v1/me: the signed-in patient's own profile and reminder settings."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import ProblemSerializer
from patients.api.me_serializers import MeSerializer, MeUpdateSerializer, me_data
from patients.api.permissions import IsPatient
from patients.models import Patient
from patients.services.preferences import UNSET, patient_preferences_update

# Service errors on these names belong under `reminders` in the answer.
REMINDER_KEYS = ("channels", "quiet_hours", "local_time")
AUTH_ERRORS = {
    401: OpenApiResponse(ProblemSerializer, description="No, bad or expired token."),
    403: OpenApiResponse(ProblemSerializer, description="The token is not a patient's."),
}


class PatientView(APIView):
    """Base of the patient-side views: role patient, always the caller's own data."""

    permission_classes = [IsAuthenticated, IsPatient]

    def patient(self) -> Patient:
        return self.request.user.patient  # loaded (and cached) by IsPatient


class MeView(PatientView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The signed-in patient's profile and reminder settings",
        responses={200: MeSerializer, **AUTH_ERRORS},
        tags=["me"],
    )
    def get(self, request):
        return Response(me_data(self.patient()))

    @extend_schema(
        operation_id="me_update",
        summary="Change the time zone or reminder settings",
        description=(
            "Partial update: only the keys given change, also inside `reminders`. "
            "Other profile fields cannot be changed here (400 on that field). "
            "A reminder time inside the quiet hours is refused (400 on "
            "`reminders.local_time`, or on `reminders.quiet_hours` when they are what "
            "changed): such a reminder would never arrive."
        ),
        request=MeUpdateSerializer,
        responses={
            200: MeSerializer,
            400: OpenApiResponse(ProblemSerializer, description="Field errors."),
            **AUTH_ERRORS,
        },
        tags=["me"],
    )
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data, context={"patient": self.patient()})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reminders = data.get("reminders", {})
        quiet = reminders.get("quiet_hours", UNSET)
        if quiet not in (None, UNSET):
            quiet = (quiet["start"], quiet["end"])
        patient = self.patient()
        try:
            patient_preferences_update(
                patient=patient,
                timezone=data.get("timezone"),
                reminders_enabled=reminders.get("enabled"),
                reminder_time=reminders.get("local_time"),
                channels=reminders.get("channels"),
                quiet_hours=quiet,
            )
        except DjangoValidationError as exc:
            errors = exc.message_dict
            nested = {k: v for k, v in errors.items() if k in REMINDER_KEYS}
            top = {k: v for k, v in errors.items() if k not in nested}
            raise exceptions.ValidationError(
                {**top, **({"reminders": nested} if nested else {})}
            ) from exc
        return Response(me_data(patient))
