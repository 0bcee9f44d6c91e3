"""The one access rule of the console: a signed-in clinician, data of their clinic."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from patients.models import Clinician, Patient
from patients.services.audit import audit_record


def request_clinician(request: HttpRequest) -> Clinician:
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        raise Http404("Not a clinic account")
    return clinician


class ClinicianPageMixin(LoginRequiredMixin):
    """Signed in (else the sign-in page), a clinician (else 404), and the audit trail.

    The second factor is enforced before any view runs, by TwoFactorGateMiddleware."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.clinician = request_clinician(request)
            self.clinic_id = self.clinician.clinic_id
        return super().dispatch(request, *args, **kwargs)

    def audit(self, action: str, patient_ids) -> None:
        audit_record(
            actor_id=self.request.user.pk,
            clinic_id=self.clinic_id,
            patient_ids=patient_ids,
            action=action,
            what=f"{self.request.method} {self.request.get_full_path()}",
        )

    def clinic_patient(self, patient_id) -> Patient:
        """The clinician's clinic's patient, else a 404 page."""
        return get_object_or_404(
            Patient.objects.select_related("user", "clinic"),
            pk=patient_id,
            clinic_id=self.clinic_id,
        )
