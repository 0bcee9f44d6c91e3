"""Progression rules (data, not code) and the suggestions the daily pass raises.

Imported by programs.models so Django finds the models; kept apart so the rest of
the programs models stay readable."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programs.progression import ADVANCE, REGRESS, RULE_FIELDS, Rule

_DEFAULTS = Rule()


def _number(name: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(default=getattr(_DEFAULTS, name), help_text=help_text)


class ProgressionRule(models.Model):
    """A clinic's default rule (no template) or its override for one protocol.

    Without any row the built-in defaults of programs.progression.Rule apply."""

    clinic = models.ForeignKey(
        "patients.Clinic", on_delete=models.CASCADE, related_name="progression_rules"
    )
    template = models.ForeignKey(
        "programs.ProgramTemplate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progression_rules",
        help_text="Empty: the clinic's default for every program.",
    )
    advance_complete = _number("advance_complete", "M: complete sessions needed ...")
    advance_window = _number("advance_window", "... of the last N scheduled sessions.")
    advance_max_pain = _number("advance_max_pain", "Highest pain (0-10) that still advances.")
    advance_max_difficulty = _number(
        "advance_max_difficulty", "Highest difficulty (0-10) that still advances."
    )
    regress_pain = _number(
        "regress_pain", "Pain at or above this on 2 sessions in a row regresses."
    )
    regress_pain_rise = _number(
        "regress_pain_rise", "A 7-day pain average this much above the week before regresses."
    )
    max_sets = _number("max_sets", "End of a chain: sets go up to this.")
    max_reps = _number("max_reps", "End of a chain: reps go up to this ...")
    reps_step = _number("reps_step", "... this many at a time.")
    max_hold_seconds = _number("max_hold_seconds", "End of a chain: holds go up to this ...")
    hold_step_seconds = _number("hold_step_seconds", "... this many seconds at a time.")
    max_duration_seconds = models.PositiveIntegerField(default=_DEFAULTS.max_duration_seconds)
    duration_step_seconds = _number("duration_step_seconds", "Duration step, seconds.")
    min_reps = _number("min_reps", "Start of a chain: reps come down to this at the lowest.")
    min_hold_seconds = _number("min_hold_seconds", "Start of a chain: the shortest hold.")
    min_duration_seconds = _number(
        "min_duration_seconds", "Start of a chain: the shortest duration."
    )
    auto_apply = models.BooleanField(
        default=False,
        help_text="Apply this protocol's suggestions at once instead of waiting for a clinician.",
    )

    class Meta:
        ordering = ["clinic", "template"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"],
                condition=Q(template__isnull=True),
                name="rule_one_clinic_default",
            ),
            models.UniqueConstraint(fields=["clinic", "template"], name="rule_one_per_protocol"),
            models.CheckConstraint(
                condition=Q(
                    advance_complete__gte=1, advance_complete__lte=models.F("advance_window")
                ),
                name="rule_m_of_n",
            ),
            models.CheckConstraint(
                condition=Q(advance_window__lte=28)
                & Q(advance_max_pain__lte=10)
                & Q(advance_max_difficulty__lte=10)
                & Q(regress_pain__lte=10)
                & Q(regress_pain_rise__gte=1, regress_pain_rise__lte=10),
                name="rule_numbers_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.template or 'clinic default'}"

    def as_rule(self) -> Rule:
        return Rule(**{name: getattr(self, name) for name in RULE_FIELDS})


PHASE = "phase"


class Suggestion(models.Model):
    """A proposed change of one program line, with the evidence behind it; or, of
    kind "phase", moving a program on to its protocol's next phase (no line, no
    exercise: `to_phase` says where to)."""

    class Kind(models.TextChoices):
        ADVANCE = ADVANCE, "Advance"
        REGRESS = REGRESS, "Regress"
        PHASE = PHASE, "Next phase"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        APPLIED = "applied", "Applied automatically"
        DISMISSED = "dismissed", "Dismissed"
        EXPIRED = "expired", "Expired (the line changed)"

    clinic = models.ForeignKey("patients.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="suggestions"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="suggestions"
    )
    line_key = models.UUIDField(
        null=True, blank=True, help_text="The program line (ProgramItem.key)."
    )
    item = models.ForeignKey(
        "programs.ProgramItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The row that was judged.",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.CharField(max_length=300)
    change = models.CharField(max_length=300, help_text="What accepting does, in words.")
    to_exercise = models.ForeignKey(
        "programs.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_phase = models.ForeignKey(
        "programs.TemplatePhase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Kind phase: the phase accepting moves the program to.",
    )
    to_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    to_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    to_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    to_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    window_start = models.DateField(help_text="First session of the evidence.")
    window_end = models.DateField(help_text="Last session of the evidence.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_item = models.ForeignKey(
        "programs.ProgramItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applied_suggestions",
        help_text="The row the accepted change wrote.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "status"]),
            models.Index(fields=["program", "line_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "line_key"],
                condition=Q(status="open"),
                name="suggestion_one_open_per_line",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="open", kind=PHASE),
                name="suggestion_one_open_phase_per_program",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[ADVANCE, REGRESS, PHASE]), name="suggestion_kind_valid"
            ),
            # A line suggestion names its line and exercise; a phase one its phase.
            models.CheckConstraint(
                condition=(
                    Q(kind=PHASE, to_phase__isnull=False, line_key__isnull=True)
                    | (
                        ~Q(kind=PHASE)
                        & Q(line_key__isnull=False, item__isnull=False, to_exercise__isnull=False)
                    )
                ),
                name="suggestion_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="suggestion_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.change}"
