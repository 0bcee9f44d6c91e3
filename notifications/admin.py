from django.contrib import admin

from notifications.models import Delivery, Device, DigestDelivery
from patients.admin_audit import AuditedAdminMixin
from patients.admin_scoping import ClinicScopedAdminMixin


def mask_token(token: str) -> str:
    if len(token) <= 12:
        return "…"
    return f"{token[:4]}…{token[-4:]}"


@admin.register(Device)
class DeviceAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Devices are registered by the app; here they can be named or switched off."""

    clinic_path = "patient__clinic"
    list_display = ("patient", "platform", "name", "active", "masked_token", "updated_at")
    list_filter = ("platform", "active")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__email", "patient__user__last_name", "name")
    fields = (
        "patient",
        "platform",
        "name",
        "active",
        "deactivated_reason",
        "masked_token",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("patient", "platform", "masked_token", "created_at", "updated_at")

    @admin.display(description="token")
    def masked_token(self, device) -> str:
        """Enough to tell devices apart, never enough to push to one."""
        return mask_token(device.token)

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """The reminder outbox: one row per patient, local date and channel."""

    clinic_path = "patient__clinic"
    read_only = True
    list_display = (
        "local_date",
        "patient",
        "channel",
        "status",
        "skip_reason",
        "attempts",
        "due_at",
        "finished_at",
    )
    list_filter = ("status", "channel", "skip_reason", "local_date")
    list_select_related = ("patient__user",)
    search_fields = ("patient__user__email", "patient__user__last_name")
    date_hierarchy = "local_date"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    clinic_path = "clinician__clinic"
    read_only = True
    list_display = ("local_date", "clinician", "status", "skip_reason", "attempts", "finished_at")
    list_filter = ("status", "local_date")
    list_select_related = ("clinician__user", "clinician__clinic")
    search_fields = ("clinician__user__email",)
    date_hierarchy = "local_date"
