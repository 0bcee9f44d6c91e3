import calendar

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from patients.admin_audit import AuditedAdminMixin
from patients.admin_scoping import ClinicScopedAdminMixin
from patients.models import AuditEvent
from programs.models import (
    EXERCISE_CONTENT_FIELDS,
    WEEKDAYS,
    Alert,
    Driver,
    Equipment,
    Exercise,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramTemplate,
    Region,
    TemplateItem,
    days_to_mask,
    mask_to_days,
)
from programs.services.alerts import HIGH_PAIN
from programs.services.programs import (
    first_phase,
    program_complete,
    program_lines,
    program_pause,
    program_resume,
)
from programs.suggestion_models import ProgressionRule, Suggestion

# A status change in the admin goes through the same service as the API's, so a
# pause always leaves its date range and a completion its end date.
STATUS_SERVICES = {
    (Program.Status.ACTIVE, Program.Status.PAUSED): program_pause,
    (Program.Status.PAUSED, Program.Status.ACTIVE): program_resume,
    (Program.Status.ACTIVE, Program.Status.COMPLETED): program_complete,
    (Program.Status.PAUSED, Program.Status.COMPLETED): program_complete,
}


class LinesField(forms.CharField):
    """A JSON list of short texts, edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(line) for line in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


def tick_boxes(choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class LibraryFilter(admin.SimpleListFilter):
    """Shared library rows (no clinic) versus a clinic's own rows."""

    title = "library"
    parameter_name = "library"

    def lookups(self, request, model_admin):
        return [("global", "Global library"), ("clinic", "Clinic's own")]

    def queryset(self, request, queryset):
        if self.value() == "global":
            return queryset.filter(clinic__isnull=True)
        if self.value() == "clinic":
            return queryset.filter(clinic__isnull=False)
        return queryset


@admin.display(description="library", ordering="clinic__name")
def library(obj) -> str:
    return obj.clinic.name if obj.clinic_id else "Global"


# --- Exercise library -------------------------------------------------------------
class ExerciseAdminForm(forms.ModelForm):
    level = forms.TypedChoiceField(coerce=int, choices=[(n, str(n)) for n in range(1, 5)])
    body_regions = tick_boxes(Region.choices)
    drivers = tick_boxes(Driver.choices)
    equipment = tick_boxes(Equipment.choices)
    target_muscles = LinesField(required=False, help_text="One muscle per line.")
    instructions = LinesField(required=False, help_text="One step per line, in order.")
    cues = LinesField(required=False, help_text="One coaching cue per line.")
    common_mistakes = LinesField(required=False, help_text="One per line.")
    cautions = LinesField(required=False, help_text="One per line.")
    media_urls = LinesField(required=False, help_text="One URL per line.")

    class Meta:
        model = Exercise
        fields = ("slug", "clinic", *EXERCISE_CONTENT_FIELDS, "regression", "progression")

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        # With the clinic on the form, the model's unique constraints check this.
        if slug and "clinic" not in self.fields:
            clash = Exercise.objects.filter(clinic_id=self.instance.clinic_id, slug=slug)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("slug", "Your clinic already has an exercise with this slug.")
        return cleaned


@admin.register(Exercise)
class ExerciseAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    shared_globals = True
    form = ExerciseAdminForm
    list_display = ("name", "slug", "category", "level", "laterality", library)
    list_filter = (LibraryFilter, "category", "level", "laterality")
    list_select_related = ("clinic",)
    search_fields = ("name", "slug", "instructions")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "clinic", "category", "level", "laterality")}),
        ("Targets", {"fields": ("body_regions", "target_muscles", "drivers", "equipment")}),
        (
            "Default dose",
            {
                "fields": (
                    ("default_sets", "default_reps"),
                    ("default_hold_seconds", "default_duration_seconds"),
                )
            },
        ),
        ("Coaching", {"fields": ("instructions", "cues", "common_mistakes", "cautions")}),
        ("Media and chain", {"fields": ("media_urls", "regression", "progression")}),
        (None, {"fields": ("created_at", "updated_at")}),
    )


# --- Items with a dose and a weekly schedule -----------------------------------------
class ScheduleItemForm(forms.ModelForm):
    """Days of the week as tick boxes instead of the stored bit mask."""

    days_of_week = forms.TypedMultipleChoiceField(
        choices=[(day, calendar.day_abbr[day - 1]) for day in WEEKDAYS],
        coerce=int,
        initial=list(WEEKDAYS),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["days_of_week"] = mask_to_days(self.instance.days_mask)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("days_of_week"):
            self.instance.days_mask = days_to_mask(cleaned["days_of_week"])
        return cleaned


class ScheduleItemInline(ClinicScopedAdminMixin, admin.TabularInline):
    form = ScheduleItemForm
    extra = 0
    ordering = ("order",)
    readonly_fields = ("weekdays",)
    dose_fields = ("order", "exercise", "sets", "reps", "hold_seconds", "duration_seconds", "side")
    schedule_fields = ("times_per_day", "notes")

    def rows_editable(self, request, obj) -> bool:
        return self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        days = "days_of_week" if self.rows_editable(request, obj) else "weekdays"
        return (*self.dose_fields, days, *self.schedule_fields)

    @admin.display(description="days")
    def weekdays(self, item) -> str:
        days = item.days_of_week
        if len(days) == len(WEEKDAYS):
            return "every day"
        return " ".join(calendar.day_abbr[day - 1] for day in days)


class TemplateItemInline(ScheduleItemInline):
    model = TemplateItem
    clinic_path = "template__clinic"
    shared_globals = True
    extra = 1


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    shared_globals = True
    inlines = (TemplateItemInline,)
    list_display = ("name", "slug", library, "item_count")
    list_filter = (LibraryFilter,)
    list_select_related = ("clinic",)
    search_fields = ("name", "slug", "description")
    fields = ("name", "slug", "clinic", "description", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="items", ordering="item_count")
    def item_count(self, obj) -> int:
        return obj.item_count

    def get_readonly_fields(self, request, obj=None):
        readonly = (*super().get_readonly_fields(request, obj), "created_at", "updated_at")
        # Slugs key the seeded protocols; clinics name their own templates.
        return readonly if request.user.is_superuser else (*readonly, "slug")


# --- Patients' programs ---------------------------------------------------------------
class ProgramItemInline(ScheduleItemInline):
    """Current prescription lines; written here only while creating a program.

    Items are immutable versioned rows: an edit retires the old row and writes a
    new version, which is the API's job, so existing rows are shown read-only.
    """

    model = ProgramItem
    clinic_path = "program__patient__clinic"
    verbose_name_plural = "current items"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(valid_until__isnull=True)

    def rows_editable(self, request, obj) -> bool:
        return obj is None

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is None else (*fields, "version", "valid_from")

    def has_add_permission(self, request, obj):
        return obj is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramPauseInline(ClinicScopedAdminMixin, admin.TabularInline):
    model = ProgramPause
    clinic_path = "program__patient__clinic"
    extra = 0
    fields = ("start", "end")


class ProgramAdminForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ("patient", "name", "template", "start_date", "end_date", "status")

    def clean(self):
        cleaned = super().clean()
        patient = cleaned.get("patient") or getattr(self.instance, "patient", None)
        template = cleaned.get("template")
        if patient and template and template.clinic_id not in (None, patient.clinic_id):
            self.add_error("template", "This protocol belongs to another clinic.")
        self._check_status_change(cleaned.get("status"))
        return cleaned

    def _check_status_change(self, status: str | None) -> None:
        if status is None:
            return
        if self.instance.pk is None:
            if status != Program.Status.ACTIVE:
                self.add_error("status", "A new program starts active; pause it once saved.")
            return
        current = self.instance.status
        if status != current and (current, status) not in STATUS_SERVICES:
            self.add_error(
                "status",
                f"A {Program.Status(current).label.lower()} program cannot become "
                f"{Program.Status(status).label.lower()}.",
            )


@admin.register(Program)
class ProgramAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    clinic_path = "patient__clinic"
    form = ProgramAdminForm
    inlines = (ProgramItemInline, ProgramPauseInline)
    list_display = ("name", "patient", "status", "start_date", "end_date", "version")
    list_filter = ("status", "start_date")
    list_select_related = ("patient__user",)
    search_fields = ("name", "patient__user__first_name", "patient__user__last_name")
    date_hierarchy = "start_date"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "patient",
                    "name",
                    "template",
                    ("start_date", "end_date"),
                    "status",
                )
            },
        ),
        (
            "Version",
            {
                "description": (
                    "Items are versioned: change them through the API "
                    "(PATCH /api/v1/programs/{id}), which retires the edited lines and "
                    "writes a new version so past logs keep what was prescribed. Here, "
                    "items can be added only while creating a program; created from a "
                    "protocol without items of its own, a program copies the protocol's."
                ),
                "fields": ("version", "created_by", "created_at", "updated_at"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = (
            *super().get_readonly_fields(request, obj),
            "version",
            "created_by",
            "created_at",
            "updated_at",
        )
        # Logs point at the patient through the program; it never moves.
        return readonly if obj is None else (*readonly, "patient", "template")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]  # the service makes the change below
        super().save_model(request, obj, form, change)
        service = STATUS_SERVICES.get((obj.status, status))
        if service is not None:
            obj.status = service(program=obj).status

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgramItem:
            return super().save_formset(request, form, formset, change)
        program = form.instance
        for item in formset.save(commit=False):
            item.valid_from = program.start_date
            item.version = program.version
            item.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        program = form.instance
        if change or program.template_id is None or program.items.exists():
            return
        # The protocol's lines as program_assign takes them: the first phase's only.
        phase = first_phase(program.template)
        if phase is not None:
            program.phase, program.phase_started_on = phase, program.start_date
            program.save(update_fields=["phase", "phase_started_on"])
        ProgramItem.objects.bulk_create(
            ProgramItem(
                program=program, **line, version=program.version, valid_from=program.start_date
            )
            for line in program_lines(template=program.template, items=[])
        )


# --- What patients did, and what needs a clinician's eye ------------------------------
class PainFilter(admin.SimpleListFilter):
    title = "pain"
    parameter_name = "pain"

    def lookups(self, request, model_admin):
        return [
            ("none", "Not reported"),
            ("low", "0-3"),
            ("moderate", "4-6"),
            ("high", f"{HIGH_PAIN}-10 (high)"),
        ]

    def queryset(self, request, queryset):
        ranges = {"low": (0, 3), "moderate": (4, 6), "high": (HIGH_PAIN, 10)}
        if self.value() == "none":
            return queryset.filter(pain__isnull=True)
        if self.value() in ranges:
            return queryset.filter(pain__range=ranges[self.value()])
        return queryset


@admin.register(ExerciseLog)
class ExerciseLogAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Logs are the patient's record of what they did: never edited by anyone."""

    clinic_path = "patient__clinic"
    read_only = True
    list_display = (
        "performed_at",
        "patient",
        "exercise",
        "date",
        "completed",
        "sets_done",
        "reps_done",
        "pain",
        "difficulty",
    )
    list_filter = ("date", PainFilter, "completed")
    list_select_related = ("patient__user", "item__exercise")
    search_fields = ("patient__user__first_name", "patient__user__last_name", "note")
    date_hierarchy = "date"

    @admin.display(ordering="item__exercise__name")
    def exercise(self, log):
        return log.item.exercise


@admin.register(Alert)
class AlertAdmin(AuditedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Alerts are raised by the system and closed with the "Mark resolved" action."""

    list_display = ("kind", "patient", "status", "date", "created_at", "resolved_at", "resolved_by")
    list_filter = ("status", "kind", "date")
    list_select_related = ("patient__user", "resolved_by")
    search_fields = ("patient__user__first_name", "patient__user__last_name")
    readonly_fields = ("created_at",)
    actions = ("mark_resolved",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list and its action may change alerts; a single alert's page is read-only.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        open_alerts = queryset.filter(status=Alert.Status.OPEN)
        self.audit(
            request, AuditEvent.Action.UPDATE, open_alerts.values_list("patient_id", flat=True)
        )
        resolved = open_alerts.update(
            status=Alert.Status.RESOLVED, resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, f"{resolved} alert(s) marked resolved.", messages.SUCCESS)


@admin.register(ProgressionRule)
class ProgressionRuleAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """The clinic's progression rule and its per-protocol overrides (see the README)."""

    owners_only = True
    list_display = (
        "clinic",
        "template",
        "advance_complete",
        "advance_window",
        "advance_max_pain",
        "advance_max_difficulty",
        "regress_pain",
        "regress_pain_rise",
        "auto_apply",
    )
    list_select_related = ("clinic", "template")


@admin.register(Suggestion)
class SuggestionAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """Raised by the daily pass; decided in the console or the API."""

    read_only = True
    list_display = ("kind", "patient", "change", "evidence", "status", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("patient__user",)


from programs.outcomes import admin as outcomes_admin  # noqa: E402, F401 (registers CheckIn)
