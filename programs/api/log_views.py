"""GET /api/v1/patients/{id}/logs: a patient's logs, notes included, for their clinic."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.api.log_serializers import ClinicianLogSerializer
from programs.api.program_serializers import MAX_REPORT_DAYS
from programs.api.program_views import PATIENT_ID, _report_range
from programs.models import ExerciseLog
from programs.selectors.logs import logs_for_patient


class PatientLogsView(ClinicianAPIMixin, generics.ListAPIView):
    serializer_class = ClinicianLogSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExerciseLog.objects.none()
        default_end = local_today(self.patient.timezone)
        start, end = _report_range(self.request, default_end=default_end)
        return logs_for_patient(patient=self.patient, start=start, end=end)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.patient = self.clinic_patient(kwargs["pk"])

    @extend_schema(
        summary="A patient's logs with their pain, difficulty and notes, newest first",
        parameters=[
            PATIENT_ID,
            OpenApiParameter(
                "from", dt.date, description="First local date; default 29 days before `to`."
            ),
            OpenApiParameter(
                "to",
                dt.date,
                description=f"Last local date; default today. At most {MAX_REPORT_DAYS} days.",
            ),
        ],
        responses={200: ClinicianLogSerializer(many=True), **problems(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.audit(AuditEvent.Action.READ, [self.patient.pk])
        return response
