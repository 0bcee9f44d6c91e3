"""Console downloads of the CSV exports: the same streams as the API's, audited alike."""

from django.shortcuts import render
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.csv_exports import clinic_adherence_csv, patient_logs_csv
from programs.date_params import DateParamError, optional_range, report_range


def _bad_dates(request, exc: DateParamError):
    return render(request, "programs/export_error.html", {"errors": exc.errors}, status=400)


class PatientLogsCsvPage(ClinicianPageMixin, View):
    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        try:
            start, end = optional_range(request.GET)
        except DateParamError as exc:
            return _bad_dates(request, exc)
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return patient_logs_csv(patient=patient, start=start, end=end)


class AdherenceCsvPage(ClinicianPageMixin, View):
    def get(self, request):
        # An empty field of the download form means "the default".
        params = {name: value for name, value in request.GET.items() if value}
        try:
            start, end = report_range(params, default_end=local_today(self.clinician.timezone))
        except DateParamError as exc:
            return _bad_dates(request, exc)

        def audit(chunk):
            self.audit(AuditEvent.Action.READ, [patient.pk for patient in chunk])

        return clinic_adherence_csv(clinic_id=self.clinic_id, start=start, end=end, on_chunk=audit)
