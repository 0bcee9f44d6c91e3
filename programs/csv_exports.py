"""The CSV downloads, streamed, for the API and the console alike: a patient's logs,
and a clinic's adherence per patient-day. Rows come from programs.selectors.reports;
the callers check access and write the audit trail."""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

from patients.models import Patient
from programs.selectors.reports import (
    ADHERENCE_COLUMNS,
    LOG_COLUMNS,
    adherence_rows,
    patient_log_rows,
)


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


def patient_logs_csv(
    *, patient: Patient, start: dt.date | None, end: dt.date | None
) -> StreamingHttpResponse:
    rows = patient_log_rows(patient=patient, start=start, end=end)
    return _csv_response(f"patient-{patient.pk}-logs.csv", LOG_COLUMNS, rows)


def clinic_adherence_csv(
    *,
    clinic_id: int,
    start: dt.date,
    end: dt.date,
    on_chunk: Callable[[Sequence[Patient]], None],
) -> StreamingHttpResponse:
    """`on_chunk` sees each chunk of patients as it is read (for the audit trail)."""
    rows = adherence_rows(clinic_id=clinic_id, start=start, end=end, on_chunk=on_chunk)
    return _csv_response(f"adherence-{start}-{end}.csv", ADHERENCE_COLUMNS, rows)
