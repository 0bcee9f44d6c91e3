"""CSV downloads: a patient's logs, and a clinic's adherence per patient-day.

Both stream (csv rows are written as they are read), so a clinic of thousands of
patients over months costs constant memory. Every patient exported is audited.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.api.program_serializers import MAX_REPORT_DAYS
from programs.api.program_views import _date_param
from programs.selectors.reports import (
    ADHERENCE_COLUMNS,
    LOG_COLUMNS,
    adherence_rows,
    patient_log_rows,
)

PATIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")
CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.STR}


class CSVRenderer(BaseRenderer):
    """Lets clients ask for text/csv; the body itself is streamed by the view."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b"" if data is None else json.dumps(data).encode()


class _Line:
    """A file-like object whose write() hands back what it was given."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(header: Iterable[str], rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _csv_response(filename: str, header, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_stream(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _range(request, default_end: dt.date) -> tuple[dt.date, dt.date]:
    end = _date_param(request, "to") or default_end
    start = _date_param(request, "from") or end - dt.timedelta(days=29)
    if start > end:
        raise ValidationError({"from": ["Must not be after `to`."]})
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise ValidationError({"to": [f"At most {MAX_REPORT_DAYS} days per call."]})
    return start, end


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
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start and end and start > end:
            raise ValidationError({"from": ["Must not be after `to`."]})
        self.audit(AuditEvent.Action.READ, [patient.pk])
        rows = patient_log_rows(patient=patient, start=start, end=end)
        return _csv_response(f"patient-{patient.pk}-logs.csv", LOG_COLUMNS, rows)


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
        start, end = _range(request, local_today(self.clinician.timezone))

        def audit(chunk):
            self.audit(AuditEvent.Action.READ, [patient.pk for patient in chunk])

        rows = adherence_rows(clinic_id=self.clinic_id, start=start, end=end, on_chunk=audit)
        return _csv_response(f"adherence-{start}-{end}.csv", ADHERENCE_COLUMNS, rows)
