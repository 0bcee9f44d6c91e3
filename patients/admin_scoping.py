"""The admin's one tenancy rule: clinic staff see and edit only their own clinic.

A superuser sees everything. Any other staff user must be a clinician; every
scoped ModelAdmin and inline filters its rows to the clinician's clinic, limits
foreign-key choices the same way, and stamps the clinician's clinic on what they
create. The admin looks objects up through `get_queryset`, so another clinic's
object answers like a missing one. A staff user without a clinician row sees
nothing scoped.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db.models import Q, QuerySet

from patients.models import Clinician

# What a clinician needs to work in the admin; deletes only where the row is
# the clinic's own working material, never on logs, patients or users.
CLINIC_STAFF_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "patients": {
        "clinic": ("view",),
        "clinician": ("view", "change"),
        "patient": ("view", "add", "change"),
        "activationcode": ("view",),
    },
    "programs": {
        "exercise": ("view", "add", "change", "delete"),
        "programtemplate": ("view", "add", "change", "delete"),
        "templateitem": ("view", "add", "change", "delete"),
        "program": ("view", "add", "change"),
        "programitem": ("view", "add"),
        "programpause": ("view", "add", "change", "delete"),
        "exerciselog": ("view",),
        "alert": ("view", "change"),
        "suggestion": ("view",),
        "checkin": ("view",),
    },
    "notifications": {
        "device": ("view", "change"),
        "delivery": ("view",),
        "digestdelivery": ("view",),
    },
}
CLINIC_OWNER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "patients": {"auditevent": ("view",)},
    "programs": {"progressionrule": ("view", "add", "change", "delete")},
    "notifications": {
        "webhookendpoint": ("view", "add", "change", "delete"),
        "webhookmessage": ("view",),
    },
}


def staff_clinician(user) -> Clinician | None:
    """The clinic membership of `user`, or None."""
    try:
        return user.clinician
    except (AttributeError, ObjectDoesNotExist):
        return None


def _permission_codenames(
    spec: dict[str, dict[str, tuple[str, ...]]],
) -> set[tuple[str, str]]:
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in spec.items()
        for model, actions in models.items()
        for action in actions
    }


def grant_clinic_staff_permissions(user) -> None:
    """Give a clinician the model permissions the clinic admin needs.

    Owners also get to read the audit trail. The admin still scopes every row
    to the clinician's clinic; these permissions only open the doors.
    """
    clinician = staff_clinician(user)
    if clinician is None:
        raise ValueError(f"{user} is not a clinician of any clinic")
    wanted = _permission_codenames(CLINIC_STAFF_PERMISSIONS)
    if clinician.is_owner:
        wanted |= _permission_codenames(CLINIC_OWNER_PERMISSIONS)
    condition = Q()
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(condition).select_related("content_type"))
    found = {(perm.content_type.app_label, perm.codename) for perm in permissions}
    if missing := wanted - found:
        names = ", ".join(sorted(f"{app}.{codename}" for app, codename in missing))
        raise ImproperlyConfigured(f"Permissions missing (run migrate first): {names}")
    user.user_permissions.add(*permissions)


class ClinicScopedAdminMixin:
    """Scopes a ModelAdmin or an inline to the requesting clinician's clinic.

    clinic_path: the lookup from the model to its clinic ("clinic",
        "patient__clinic", "pk" for Clinic itself), or a tuple of lookups any of
        which may match.
    shared_globals: rows without a clinic are the shared library; clinic staff
        see them but cannot change or delete them (for an inline: when the
        parent is such a row).
    owners_only: only clinic owners (and superusers) may open this admin.
    superuser_only: only superusers may open this admin; its scope still limits
        foreign-key choices pointing at the model.
    read_only: rows written by the system, looked at here and never added,
        changed or deleted, not even by a superuser.
    """

    clinic_path: str | tuple[str, ...] = "clinic"
    shared_globals = False
    owners_only = False
    superuser_only = False
    read_only = False

    # --- who may open it -----------------------------------------------------------
    def _allowed(self, request) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        if self.superuser_only:
            return False
        clinician = staff_clinician(user)
        if clinician is None:
            return False
        return not self.owners_only or clinician.is_owner

    def _editable(self, request, obj) -> bool:
        if self.read_only:
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not (self.shared_globals and obj.clinic_id is None)

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        # ModelAdmin passes (request); an inline passes (request, parent_obj).
        parent = args[0] if args else None
        return (
            self._allowed(request)
            and self._editable(request, parent)
            and super().has_add_permission(request, *args)
        )

    def has_change_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and self._editable(request, obj)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and self._editable(request, obj)
            and super().has_delete_permission(request, obj)
        )

    # --- which rows ----------------------------------------------------------------
    def scope_queryset(self, queryset: QuerySet, request) -> QuerySet:
        """`queryset` limited to what the requesting user may see."""
        if request.user.is_superuser:
            return queryset
        clinician = staff_clinician(request.user)
        if clinician is None:
            return queryset.none()
        paths = (self.clinic_path,) if isinstance(self.clinic_path, str) else self.clinic_path
        condition = Q()
        for path in paths:
            condition |= Q(**{path: clinician.clinic_id})
        if self.shared_globals:
            condition |= Q(**{f"{paths[0]}__isnull": True})
        return queryset.filter(condition)

    def get_queryset(self, request):
        return self.scope_queryset(super().get_queryset(request), request)

    def _scoped_choices(self, db_field, request, kwargs):
        if request.user.is_superuser or "queryset" in kwargs:
            return
        related_model = db_field.remote_field.model
        queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = related_model._default_manager.all()
        related_admin = (
            self.admin_site.get_model_admin(related_model)
            if self.admin_site.is_registered(related_model)
            else None
        )
        if isinstance(related_admin, ClinicScopedAdminMixin):
            kwargs["queryset"] = related_admin.scope_queryset(queryset, request)
        else:
            # A model with no clinic rule offers clinic staff nothing to pick.
            kwargs["queryset"] = queryset.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        filters = tuple(super().get_list_filter(request))
        path = self.clinic_path
        if request.user.is_superuser and isinstance(path, str) and path.endswith("clinic"):
            return (path, *filters)
        return filters

    # --- clinic-owned rows: the clinic is the clinician's, never a choice -------------
    def _forced_clinic_id(self, request) -> int | None:
        if self.clinic_path != "clinic" or request.user.is_superuser:
            return None
        clinician = staff_clinician(request.user)
        return clinician.clinic_id if clinician else None

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.read_only:
            readonly += tuple(
                field.name for field in self.model._meta.fields if field.name not in readonly
            )
        if self._forced_clinic_id(request) is not None and "clinic" not in readonly:
            readonly += ("clinic",)
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        clinic_id = self._forced_clinic_id(request)
        if obj is not None or clinic_id is None:
            return form

        class ClinicOwnedForm(form):
            # Set before validation so clean() and constraint checks see the clinic.
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                self.instance.clinic_id = clinic_id

        return ClinicOwnedForm

    def save_model(self, request, obj, form, change):
        clinic_id = self._forced_clinic_id(request)
        if clinic_id is not None and not change:
            obj.clinic_id = clinic_id
        super().save_model(request, obj, form, change)
