"""Check-ins in the admin: looked at, never written (the patient answers in the app).

Registered from programs.admin (the app's admin module)."""

from django.contrib import admin
from django.utils import timezone

from patients.admin_audit import AuditedAdminMixin
from patients.admin_scoping import ClinicScopedAdminMixin
from patients.timezones import local_today
from programs.outcomes.models import CheckIn
from programs.outcomes.selectors import checkin_status


@admin.register(CheckIn)
class CheckInAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Planned by the reminders' beat, answered by the patient: read-only for everyone."""

    clinic_path = "patient__clinic"
    read_only = True
    list_display = ("measure", "patient", "due_date", "status", "score", "answered_at")
    list_filter = ("measure", "due_date")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__first_name", "patient__user__last_name")
    date_hierarchy = "due_date"
    readonly_fields = ("status",)

    @admin.display(description="status")
    def status(self, checkin: CheckIn) -> str:
        """answered, open or closed, on the patient's local date."""
        today = local_today(checkin.patient.timezone, timezone.now())
        return checkin_status(checkin, today)
