"""CSV downloads: a patient's logs, and a clinic's adherence per patient-day.

Both stream (csv rows are written as they are read), so a clinic of thousands of
patients over months costs constant memory. Every patient exported is audited.
"""

import datetime as dt
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.api.program_views import _report_range
from programs.csv_exports import clinic_adherence_csv, patient_logs_csv
from programs.date_params import DateParamError, optional_range

PATIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")
CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.STR}


class CSVRenderer(BaseRenderer):
    """Lets clients ask for text/csv; the body itself is streamed by the view."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else json.dumps(data).encode()


class CsvView(ClinicianAPIMixin, generics.GenericAPIView):
    renderer_classes = [JSONRenderer, CSVRenderer]


class PatientLogsCsvView(CsvView):
    @extend_schema(
        operation_id="patient_logs_csv",
        summary="A patient's logs as CSV (oldest first; optional from/to local dates)",
        parameters=[
            PATIENT_ID,
            OpenApiParameter("from", dt.date, description="First local date (optional)."),
            OpenApiParameter("to", dt.date, description="Last local date (optional)."),
        ],
        responses={**CSV_RESPONSE, **problems(400, 401, 403, 404)},
    )
    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        try:
            start, end = optional_range(request.query_params)
        except DateParamError as exc:
            raise ValidationError(exc.errors) from None
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return patient_logs_csv(patient=patient, start=start, end=end)


class AdherenceCsvView(CsvView):
    @extend_schema(
        operation_id="reports_adherence_csv",
        summary="The clinic's adherence as CSV: one row per patient and local date",
        description=(
            "Columns: patient_id, first_name, last_name, date, scheduled, done, "
            "pain_average, rtm_data_day (1 when the patient logged anything that day). "
            "The same numbers as /patients/{id}/adherence."
        ),
        parameters=[
            OpenApiParameter(
                "from", dt.date, description="First local date; default 29 days before `to`."
            ),
            OpenApiParameter(
                "to", dt.date, description="Last local date; default today (clinic's zone)."
            ),
        ],
        # 404: a `format` the endpoint cannot render.
        responses={**CSV_RESPONSE, **problems(400, 401, 403, 404)},
    )
    def get(self, request):
        start, end = _report_range(request, default_end=local_today(self.clinician.timezone))

        def audit(chunk):
            self.audit(AuditEvent.Action.READ, [patient.pk for patient in chunk])

        return clinic_adherence_csv(clinic_id=self.clinic_id, start=start, end=end, on_chunk=audit)
