from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from patients.admin_audit import AuditedAdminMixin
from patients.admin_scoping import ClinicScopedAdminMixin, staff_clinician
from patients.models import ActivationCode, AuditEvent, Clinic, Clinician, Patient, User
from patients.services.email_change import (
    EmailTaken,
    normalized_email,
    patient_email_change_request,
    patient_email_check,
)
from patients.services.invites import CODE_TTL, InviteRefused, activation_code_issue
from patients.services.patients import (
    email_taken,
    patient_clinic_changed_announce,
    patient_create,
    patient_deactivate,
)


class EmailUserCreationForm(AdminUserCreationForm):
    """Superusers only (see UserAdmin): an operator sees every account anyway, and the
    account made here is active, so an address in use by an active one is refused."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if email_taken(email):
            raise forms.ValidationError("A user with this email address already exists.")
        return email


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ClinicScopedAdminMixin, BaseUserAdmin):
    """Accounts are a superuser's business; clinic staff manage patients instead.

    The clinic scope still limits any user a clinician could be offered in a form.
    """

    clinic_path = ("clinician__clinic", "patient__clinic")
    superuser_only = True

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_superuser", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """Clinic staff see their own clinic; only a superuser creates or renames clinics."""

    clinic_path = "pk"
    list_display = ("name", "created_at")
    search_fields = ("name",)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Clinician)
class ClinicianAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "email",
        "clinic",
        "role",
        "timezone",
        "digest_enabled",
        "digest_time",
    )
    list_filter = ("role", "digest_enabled")
    list_select_related = ("user", "clinic")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    fields = ("user", "clinic", "role", "timezone", "digest_enabled", "digest_time")

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        # Nobody promotes themselves to owner or moves to another account here.
        return (*readonly, "user", "role")

    def has_add_permission(self, request):
        # New clinicians come from `manage.py createclinician` or a superuser.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        clinician = staff_clinician(request.user)
        return clinician.is_owner or obj.user_id == request.user.pk

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class PatientAdminForm(forms.ModelForm):
    """A patient's person fields live on their user; edit them in one form."""

    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)

    class Meta:
        model = Patient
        fields = (
            "clinic",
            "primary_clinician",
            "timezone",
            "reminders_enabled",
            "reminder_time",
            "remind_by_push",
            "remind_by_email",
            "quiet_start",
            "quiet_end",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                email=user.email, first_name=user.first_name, last_name=user.last_name
            )

    def clean_email(self):
        return normalized_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        clinic = cleaned.get("clinic") or getattr(self.instance, "clinic", None)
        primary = cleaned.get("primary_clinician")
        if clinic and primary and primary.clinic_id != clinic.pk:
            self.add_error("primary_clinician", "This clinician works at another clinic.")
        # The API's rule: only an address this clinic already uses is refused; one in
        # use elsewhere is answered like any other (patients.services.email_change).
        if clinic and cleaned.get("email"):
            try:
                patient_email_check(
                    email=cleaned["email"],
                    clinic_id=clinic.pk,
                    user_id=self.instance.user_id if self.instance.pk else None,
                )
            except EmailTaken:
                self.add_error("email", EmailTaken.message)
        return cleaned


@admin.register(Patient)
class PatientAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    audit_patient_attr = "pk"
    form = PatientAdminForm
    list_display = (
        "__str__",
        "email",
        "clinic",
        "primary_clinician",
        "timezone",
        "reminder_time",
        "reminders_enabled",
    )
    list_filter = ("reminders_enabled",)
    list_select_related = ("user", "clinic", "primary_clinician__user", "primary_clinician__clinic")
    search_fields = ("user__first_name", "user__last_name", "user__email")
    readonly_fields = ("email_unsubscribed_at", "email_bounced_at", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "email",
                    ("first_name", "last_name"),
                    "clinic",
                    "primary_clinician",
                    "timezone",
                )
            },
        ),
        (
            "Reminders",
            {
                "fields": (
                    "reminders_enabled",
                    "reminder_time",
                    ("remind_by_push", "remind_by_email"),
                    ("quiet_start", "quiet_end"),
                )
            },
        ),
        (
            "Email reachability",
            {"fields": ("email_unsubscribed_at", "email_bounced_at", "created_at", "updated_at")},
        ),
    )
    actions = ("issue_invite_codes", "deactivate_accounts")

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def save_model(self, request, obj, form, change):
        if change:
            previous_clinic_id = Patient.objects.filter(pk=obj.pk).values_list(
                "clinic_id", flat=True
            )[0]
            user = obj.user
            user.first_name = form.cleaned_data["first_name"]
            user.last_name = form.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            super().save_model(request, obj, form, change)
            patient_clinic_changed_announce(patient=obj, previous_clinic_id=previous_clinic_id)
            email = form.cleaned_data["email"]
            if patient_email_change_request(patient=obj, email=email):
                self.message_user(
                    request,
                    f"A confirmation link was emailed to {email}; the patient's address "
                    "changes when it is followed.",
                    messages.INFO,
                )
            return
        # The same service as the API: an account without a password, an invite code,
        # and the invite email once the admin's transaction commits.
        forced_clinic_id = self._forced_clinic_id(request)
        if forced_clinic_id is not None:
            obj.clinic_id = forced_clinic_id
        patient, invite = patient_create(
            clinic=obj.clinic,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            email=form.cleaned_data["email"],
            timezone_name=obj.timezone,
            primary_clinician=obj.primary_clinician,
        )
        obj.pk, obj.user, obj.created_at = patient.pk, patient.user, patient.created_at
        obj._state.adding = False
        super().save_model(request, obj, form, change)  # the form's reminder settings
        self._announce_code(request, obj, invite.code)

    def _announce_code(self, request, patient, code):
        self.message_user(
            request,
            f"Invite code for {patient}: {code} (valid {CODE_TTL.days} days, shown only once).",
            messages.SUCCESS,
        )

    @admin.action(description="Issue a new invite code", permissions=["change"])
    def issue_invite_codes(self, request, queryset):
        refused, issued = [], []
        for patient in queryset.select_related("user"):
            try:
                code = activation_code_issue(patient=patient)
            except InviteRefused:
                refused.append(str(patient))
                continue
            issued.append(patient.pk)
            self._announce_code(request, patient, code)
        self.audit(request, AuditEvent.Action.UPDATE, issued)
        if refused:
            self.message_user(
                request,
                "No code for "
                + ", ".join(refused)
                + ": the account already has a password or is deactivated. Someone who "
                "lost access resets their password from the sign-in screen.",
                messages.WARNING,
            )

    @admin.action(
        description="Deactivate (sign out everywhere, stop reminders)", permissions=["change"]
    )
    def deactivate_accounts(self, request, queryset):
        patients = list(queryset.select_related("user"))
        for patient in patients:
            patient_deactivate(patient=patient)
        self.audit(request, AuditEvent.Action.UPDATE, [p.pk for p in patients])
        self.message_user(request, f"{len(patients)} patient(s) deactivated.", messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        # Patients are deactivated, never deleted: their audit trail must stay.
        return False


@admin.register(ActivationCode)
class ActivationCodeAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Which invites exist and their state; the code's hash is never shown."""

    clinic_path = "patient__clinic"
    read_only = True
    list_display = ("patient", "created_at", "expires_at", "used_at")
    list_select_related = ("patient__user",)
    list_filter = ("used_at", "expires_at")
    search_fields = ("patient__user__email", "patient__user__last_name")
    fields = ("patient", "created_at", "expires_at", "used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """Who read or changed which record: for superusers and clinic owners."""

    owners_only = True
    read_only = True
    list_display = ("created_at", "actor", "action", "patient", "what")
    list_filter = ("action", "created_at")
    list_select_related = ("actor", "patient__user")
    search_fields = ("what", "actor__email", "patient__user__email", "patient__user__last_name")
    date_hierarchy = "created_at"
