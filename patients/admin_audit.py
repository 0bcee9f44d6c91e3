"""The admin writes the audit trail as the API does.

Every list page (with its search and filters), change page, history page and
action on patient data records one event per patient shown or touched, with the
client address; opening another clinic's object records a denied attempt on that
clinic's trail. Mixed into each ModelAdmin of per-patient data, before
ClinicScopedAdminMixin (whose scoping decides what is found).
"""

from django.core.exceptions import ValidationError

from patients.models import AuditEvent
from patients.services.audit import audit_record_any_clinic, client_address


class AuditedAdminMixin:
    # Attribute of an object holding its patient's id ("pk" for Patient itself).
    audit_patient_attr = "patient_id"

    def audit_patient_id(self, obj) -> int | None:
        return obj.pk if self.audit_patient_attr == "pk" else getattr(obj, self.audit_patient_attr)

    def audit(self, request, action: str, patient_ids) -> None:
        audit_record_any_clinic(
            actor_id=request.user.pk,
            patient_ids=[pid for pid in patient_ids if pid is not None],
            action=action,
            what=f"admin {request.method} {request.get_full_path()}",
            client_address=client_address(request),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            patient_ids = [self.audit_patient_id(obj) for obj in changelist.result_list]
            self.audit(request, AuditEvent.Action.READ, patient_ids)
        return response

    def get_object(self, request, object_id, from_field=None):
        """The change, history and delete pages all load their object here."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            self._audit_denied(request, object_id)
            return None
        action = AuditEvent.Action.READ if request.method == "GET" else AuditEvent.Action.UPDATE
        self.audit(request, action, [self.audit_patient_id(obj)])
        return obj

    def _audit_denied(self, request, object_id) -> None:
        try:
            hidden = self.model._default_manager.filter(pk=object_id).first()
        except (ValueError, ValidationError):
            return
        if hidden is not None:
            self.audit(request, AuditEvent.Action.DENIED, [self.audit_patient_id(hidden)])

    def log_addition(self, request, obj, message):
        self.audit(request, AuditEvent.Action.CREATE, [self.audit_patient_id(obj)])
        return super().log_addition(request, obj, message)
