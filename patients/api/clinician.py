"""What every clinician endpoint shares: the role, the caller's clinic, the audit trail."""

from rest_framework.exceptions import NotFound

from patients.api.permissions import IsClinician
from patients.models import AuditEvent, Clinician, Patient
from patients.services.audit import audit_record, audit_record_any_clinic, client_address


class ClinicianAPIMixin:
    """Clinician role, the caller's clinic, and the audit trail."""

    permission_classes = [IsClinician]

    @property
    def clinician(self) -> Clinician:
        return self.request.user.clinician

    @property
    def clinic_id(self) -> int:
        return self.clinician.clinic_id

    def audit(self, action: str, patient_ids) -> None:
        audit_record(
            actor_id=self.request.user.pk,
            clinic_id=self.clinic_id,
            patient_ids=patient_ids,
            action=action,
            what=f"{self.request.method} {self.request.get_full_path()}",
            client_address=client_address(self.request),
        )

    def clinic_patient(self, patient_id) -> Patient:
        """The caller's clinic's patient, else 404 (another clinic's: logged as denied)."""
        found = (
            Patient.objects.select_related("user", "clinic")
            .filter(pk=patient_id, clinic_id=self.clinic_id)
            .first()
        )
        if found is None:
            self.patient_not_found(patient_id)
        return found

    def patient_not_found(self, patient_id):
        """404; an existing patient of another clinic is written to that clinic's
        audit trail as a denied attempt."""
        audit_record_any_clinic(
            actor_id=self.request.user.pk,
            patient_ids=[patient_id],
            action=AuditEvent.Action.DENIED,
            what=f"{self.request.method} {self.request.get_full_path()}",
            client_address=client_address(self.request),
        )
        raise NotFound()

    def clinic_clinician(self, clinician_id: int | None) -> Clinician | None:
        """A clinician named in a request body; another clinic's answers 404."""
        if clinician_id is None:
            return None
        found = Clinician.objects.filter(pk=clinician_id, clinic_id=self.clinic_id).first()
        if found is None:
            raise NotFound(f"Clinician {clinician_id} not found.")
        return found
