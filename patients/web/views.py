"""Add a patient (the invite email goes out, the code is shown once) and re-send it."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from patients.services.passwords import password_reset_request
from patients.services.patients import (
    AlreadyActivated,
    EmailTaken,
    patient_create,
    patient_invite,
)
from patients.web.forms import PatientAddForm


class PatientAddView(ClinicianPageMixin, View):
    template_name = "patients/console/patient_add.html"

    def get(self, request):
        form = PatientAddForm(initial={"timezone": self.clinician.timezone})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PatientAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                patient, invite = patient_create(
                    clinic=self.clinician.clinic,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    timezone_name=data["timezone"],
                    primary_clinician=self.clinician,
                )
            except EmailTaken:
                form.add_error("email", _(EmailTaken.message))
            else:
                self.audit(AuditEvent.Action.CREATE, [patient.pk])
                return render(
                    request,
                    "patients/console/invite_sent.html",
                    {"patient": patient, "invite": invite, "new": True},
                    status=201,
                )
        return render(request, self.template_name, {"form": form}, status=400)


class PatientInviteView(ClinicianPageMixin, View):
    """POST: a fresh invite code (emailed, shown once). A patient who has activated
    gets a password-reset email instead: a new code would take over their account."""

    def post(self, request, pk):
        patient = self.clinic_patient(pk)
        try:
            invite = patient_invite(patient=patient)
        except AlreadyActivated:
            password_reset_request(email=patient.user.email)
            self.audit(AuditEvent.Action.UPDATE, [patient.pk])
            return render(request, "patients/console/reset_sent.html", {"patient": patient})
        self.audit(AuditEvent.Action.UPDATE, [patient.pk])
        return render(
            request,
            "patients/console/invite_sent.html",
            {"patient": patient, "invite": invite, "new": False},
        )
