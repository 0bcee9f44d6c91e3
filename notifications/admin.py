from django import forms
from django.contrib import admin, messages

from notifications.models import Delivery, Device, DigestDelivery
from notifications.webhooks.endpoints import webhook_secret_new
from notifications.webhooks.models import WebhookEndpoint, WebhookEvent, WebhookMessage
from notifications.webhooks.outbox import webhook_message_replay
from notifications.webhooks.urls_check import webhook_url_check
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


class WebhookEndpointForm(forms.ModelForm):
    url = forms.CharField(max_length=2048, help_text="https only; a public host name.")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "events", "description", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        webhook_url_check(url)  # django's ValidationError shows beside the field
        return url

    def clean_events(self) -> list[str]:
        return sorted(set(self.cleaned_data["events"]))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """A clinic owner's webhook endpoints; the signing secret is shown once, on creation."""

    owners_only = True
    form = WebhookEndpointForm
    list_display = ("url", "clinic", "active", "consecutive_failures", "disabled_reason")
    list_filter = ("active",)
    readonly_fields = ("consecutive_failures", "disabled_reason", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = webhook_secret_new()
            obj.created_by = request.user
        if change and "active" in form.changed_data and obj.active:
            obj.consecutive_failures, obj.disabled_reason = 0, ""
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(
                request,
                f"Signing secret for {obj.url}: {obj.secret} — copy it now; it is not shown again.",
            )


@admin.register(WebhookMessage)
class WebhookMessageAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """The webhook outbox, with each message's attempts; failed ones can be replayed."""

    owners_only = True
    read_only = True
    clinic_path = "endpoint__clinic"
    list_display = ("created_at", "event_type", "endpoint", "status", "attempts", "last_error")
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    actions = ["replay"]

    @admin.action(description="Send the selected messages again (same webhook-id)")
    def replay(self, request, queryset):
        count = 0
        for message in self.scope_queryset(queryset, request):
            webhook_message_replay(message=message)
            count += 1
        messages.success(request, f"{count} message(s) queued to be sent again.")

    def get_actions(self, request):
        # A read-only admin offers no actions by default; replaying is the one we allow.
        actions = super().get_actions(request)
        if self._allowed(request):
            actions["replay"] = self.get_action("replay")
        return actions
