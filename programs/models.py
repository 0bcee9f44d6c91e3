"""What: the exercise library, protocols, patients' programs, their logs and alerts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from patients.models import Clinic, Patient

WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: Monday = 1 ... Sunday = 7
EVERY_DAY = 0b1111111


def weekday_bit(isoweekday: int) -> int:
    return 1 << (isoweekday - 1)


def days_to_mask(days) -> int:
    mask = 0
    for day in days:
        mask |= weekday_bit(day)
    return mask


def mask_to_days(mask: int) -> list[int]:
    return [day for day in WEEKDAYS if mask & weekday_bit(day)]


class Category(models.TextChoices):
    CORE_ANTI_EXTENSION = "core_anti_extension", "Core: anti-extension"
    CORE_LATERAL = "core_lateral", "Core: lateral"
    HIP_EXTENSION = "hip_extension", "Hip extension"
    ANTI_ROTATION = "anti_rotation", "Anti-rotation / stabilisation"
    HIP_ABDUCTORS = "hip_abductors", "Hip abductors"
    SOFT_TISSUE = "soft_tissue", "Soft-tissue release"
    STRETCH = "stretch", "Stretch"
    THORACIC_MOBILITY = "thoracic_mobility", "Thoracic mobility"
    RUNNING_FORM = "running_form", "Running form"
    HABITS = "habits", "Habits"


class Driver(models.TextChoices):
    PELVIC_TILT = "anterior_pelvic_tilt", "Anterior pelvic tilt / poor pelvic control"
    IMBALANCE = "muscle_imbalance", "Muscle imbalance around hips and pelvis"
    THORACIC = "stiff_thoracic_spine", "Stiff thoracic spine"
    FORM = "running_form", "Poor running form"
    LIFESTYLE = "lifestyle", "Hydration, mileage and footwear"


class Region(models.TextChoices):
    LUMBAR = "lumbar", "Low back"
    THORACIC = "thoracic", "Mid back"
    PELVIS = "pelvis", "Pelvis"
    HIP = "hip", "Hip"
    ABDOMEN = "abdomen", "Abdomen"
    THIGH = "thigh", "Thigh"
    SHOULDER = "shoulder", "Shoulder"
    WHOLE_BODY = "whole_body", "Whole body"


class Equipment(models.TextChoices):
    NONE = "none", "None"
    MAT = "mat", "Mat"
    FOAM_ROLLER = "foam_roller", "Foam roller"
    BAND = "band", "Resistance band"
    CABLE = "cable", "Cable or anchored band"
    DUMBBELL = "dumbbell", "Dumbbell or kettlebell"
    BARBELL = "barbell", "Barbell"
    STEP = "step", "Step or box"
    BALL = "ball", "Massage ball"
    CHAIR = "chair", "Chair or couch"
    WATER_BOTTLE = "water_bottle", "Water bottle"
    RUNNING_SHOES = "running_shoes", "Running shoes"


class Laterality(models.TextChoices):
    BILATERAL = "bilateral", "Both sides together"
    EACH_SIDE = "each_side", "Each side"


class Side(models.TextChoices):
    BOTH = "both", "Both"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    EACH = "each", "Each side"


def dose_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Dose values stay in sane ranges at the database level."""
    return [
        models.CheckConstraint(
            condition=Q(sets__isnull=True) | Q(sets__gte=1, sets__lte=20),
            name=f"{prefix}_sets_range",
        ),
        models.CheckConstraint(
            condition=Q(reps__isnull=True) | Q(reps__gte=1, reps__lte=200),
            name=f"{prefix}_reps_range",
        ),
        models.CheckConstraint(
            condition=Q(hold_seconds__isnull=True) | Q(hold_seconds__gte=1, hold_seconds__lte=600),
            name=f"{prefix}_hold_range",
        ),
        models.CheckConstraint(
            condition=Q(duration_seconds__isnull=True)
            | Q(duration_seconds__gte=1, duration_seconds__lte=14400),
            name=f"{prefix}_duration_range",
        ),
    ]


class Dose(models.Model):
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


# What a library entry says about itself (everything but its identity and links).
EXERCISE_CONTENT_FIELDS = (
    "name",
    "category",
    "body_regions",
    "target_muscles",
    "drivers",
    "equipment",
    "level",
    "laterality",
    "default_sets",
    "default_reps",
    "default_hold_seconds",
    "default_duration_seconds",
    "instructions",
    "cues",
    "common_mistakes",
    "cautions",
    "media_urls",
)
# One prescription line of a protocol or program, besides its exercise.
PRESCRIPTION_LINE_FIELDS = (
    "order",
    "sets",
    "reps",
    "hold_seconds",
    "duration_seconds",
    "side",
    "days_mask",
    "times_per_day",
    "notes",
)


class Exercise(models.Model):
    """A library entry: global when clinic is empty, else private to that clinic."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    body_regions = models.JSONField(default=list, blank=True)
    target_muscles = models.JSONField(default=list, blank=True)
    drivers = models.JSONField(default=list, blank=True)
    equipment = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(default=1)
    laterality = models.CharField(
        max_length=16, choices=Laterality.choices, default=Laterality.BILATERAL
    )
    default_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    default_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    instructions = models.JSONField(default=list, blank=True, help_text="Ordered steps.")
    cues = models.JSONField(default=list, blank=True)
    common_mistakes = models.JSONField(default=list, blank=True)
    cautions = models.JSONField(default=list, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    regression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="regression_of"
    )
    progression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="progression_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "slug"], name="exercise_slug_unique_in_clinic"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(clinic__isnull=True),
                name="exercise_slug_unique_global",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="exercise_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="exercise_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(laterality__in=Laterality.values), name="exercise_laterality_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_global(self) -> bool:
        return self.clinic_id is None


class ProgramTemplate(models.Model):
    """A protocol: a reusable program skeleton, global or private to a clinic."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="templates"
    )
    slug = models.SlugField(
        max_length=100, blank=True, help_text="Stable key of a seeded protocol."
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(clinic__isnull=True) & ~Q(slug=""),
                name="template_slug_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScheduleFields(Dose):
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.BOTH)
    days_mask = models.PositiveSmallIntegerField(
        default=EVERY_DAY, help_text="Bit i set = scheduled on ISO weekday i+1 (Monday = bit 0)."
    )
    times_per_day = models.PositiveSmallIntegerField(default=1)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def days_of_week(self) -> list[int]:
        return mask_to_days(self.days_mask)


def schedule_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        *dose_constraints(prefix),
        models.CheckConstraint(
            condition=Q(days_mask__gte=1, days_mask__lte=EVERY_DAY), name=f"{prefix}_days_valid"
        ),
        models.CheckConstraint(
            condition=Q(times_per_day__gte=1, times_per_day__lte=10), name=f"{prefix}_times_range"
        ),
        models.CheckConstraint(condition=Q(side__in=Side.values), name=f"{prefix}_side_valid"),
    ]


class TemplatePhase(models.Model):
    """One stage of a protocol (weeks 1-2 mobility, weeks 3-4 strength ...) with its
    own lines. `advance` says how a program leaves this phase for the next one once
    it has run its `weeks`: by itself on that date, or when a clinician approves."""

    class Advance(models.TextChoices):
        DATE = "date", "On its date"
        APPROVAL = "approval", "When a clinician approves"

    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    weeks = models.PositiveSmallIntegerField(default=2)
    advance = models.CharField(max_length=8, choices=Advance.choices, default=Advance.DATE)
    description = models.CharField(
        max_length=300, blank=True, help_text="What this phase is for, told to the patient."
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="phase_order_unique"),
            models.CheckConstraint(condition=Q(weeks__gte=1, weeks__lte=52), name="phase_weeks"),
            models.CheckConstraint(
                condition=Q(advance__in=["date", "approval"]), name="phase_advance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class TemplateItem(ScheduleFields):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    phase = models.ForeignKey(
        TemplatePhase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
        help_text="Empty in a protocol without phases.",
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="template_items")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "order"], name="template_item_order_unique"
            ),
            *schedule_constraints("template_item"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.exercise}"


class Program(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=200)
    template = models.ForeignKey(ProgramTemplate, on_delete=models.SET_NULL, null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    phase = models.ForeignKey(
        TemplatePhase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The protocol phase in force; empty for a program without phases.",
    )
    phase_started_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["patient", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="program_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "paused", "completed"]),
                name="program_status_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="program_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class ProgramPause(models.Model):
    """A period in which a program is paused: nothing is scheduled, nothing reminded.

    `end` is exclusive and empty while the pause lasts.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pauses")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["program", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"], condition=Q(end__isnull=True), name="program_one_open_pause"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="pause_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} paused {self.start} to {self.end or 'now'}"


class ProgramItem(ScheduleFields):
    """One line of a prescription, immutable once written.

    Editing a program retires the changed lines (valid_until = the patient's local
    date of the edit) and writes new rows with the same `key`, so a log always
    points at exactly what was prescribed when it was done, and today's progress on
    a line carries over an edit.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Same across versions of one line."
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="program_items")
    order = models.PositiveSmallIntegerField()
    version = models.PositiveIntegerField(
        default=1, help_text="Program version that introduced this row."
    )
    valid_from = models.DateField(help_text="First local date this row is in force.")
    valid_until = models.DateField(
        null=True, blank=True, help_text="Exclusive; empty while current."
    )

    class Meta:
        ordering = ["program", "order", "id"]
        indexes = [models.Index(fields=["program", "valid_until"])]
        constraints = [
            *schedule_constraints("program_item"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="program_item_validity_ordered",
            ),
            models.UniqueConstraint(
                fields=["program", "key"],
                condition=Q(valid_until__isnull=True),
                name="program_item_one_current_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.exercise} (v{self.version})"


class Session(models.Model):
    """The patient's sitting(s) on one local date; groups that date's logs."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="session_one_per_patient_day")
        ]

    def __str__(self) -> str:
        return f"{self.patient} on {self.date}"


class ExerciseLog(models.Model):
    """One exercise done: the prescribed item (an immutable row) beside what was done."""

    id = models.UUIDField(
        primary_key=True, help_text="Generated by the app; makes uploads idempotent."
    )
    # Indexed by the (patient, date) and (patient, -performed_at) indexes below; a
    # patient-only index made the planner scan a patient's whole history for a week.
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="logs", db_index=False
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="logs")
    item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="logs")
    program_version = models.PositiveIntegerField()
    date = models.DateField(help_text="The patient's local date.")
    completed = models.BooleanField(default=True)
    sets_done = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_done = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds_done = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_seconds_done = models.PositiveIntegerField(null=True, blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    performed_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_at"]
        indexes = [
            models.Index(fields=["patient", "date"]),
            models.Index(fields=["item", "date"]),
            # The clinician list's last_log_at: one backward index scan per patient.
            models.Index(fields=["patient", "-performed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="log_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__lte=10),
                name="log_difficulty_0_10",
            ),
            models.CheckConstraint(
                condition=Q(sets_done__isnull=True) | Q(sets_done__lte=100), name="log_sets_range"
            ),
            models.CheckConstraint(
                condition=Q(reps_done__isnull=True) | Q(reps_done__lte=1000), name="log_reps_range"
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds_done__isnull=True) | Q(hold_seconds_done__lte=3600),
                name="log_hold_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds_done__isnull=True)
                | Q(duration_seconds_done__lte=86400),
                name="log_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} on {self.date}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        HIGH_PAIN = "high_pain", "High pain"
        MISSED_DAYS = "missed_days", "Missed scheduled days"
        PAIN_RISING = "pain_rising", "Pain rising"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="alerts")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    date = models.DateField(help_text="The patient's local date the alert is about.")
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinic", "status"])]
        constraints = [
            # An alert is raised once and stays open until a clinician resolves it.
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(status="open"),
                name="alert_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["high_pain", "missed_days", "pain_rising"]),
                name="alert_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.patient}"


def exercise_media_path(instance: "ExerciseMedia", filename: str) -> str:
    return f"exercise-media/clinic-{instance.exercise.clinic_id}/{instance.exercise_id}/{filename}"


class ExerciseMedia(models.Model):
    """A photo or short video of a clinic's own exercise, kept in Django's default
    storage and served only to that clinic's staff and patients."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=exercise_media_path, max_length=300)
    content_type = models.CharField(max_length=100)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.content_type} of {self.exercise}"

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


# Outcome measures and suggestions keep their own modules; imported here so Django
# registers their models with this app.
from programs.outcomes.models import CheckIn  # noqa: E402, F401
from programs.suggestion_models import ProgressionRule, Suggestion  # noqa: E402, F401
