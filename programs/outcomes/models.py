"""A check-in: one questionnaire due for a patient on one local date.

Written by the planner when the patient's reminder time comes on the due date
(see planning.py), answered once through the API. The unique (patient, measure,
due_date) constraint keeps planning idempotent under concurrent dispatchers.
"""

from django.db import models
from django.db.models import Q

from patients.models import Patient
from programs.models import Program
from programs.outcomes.measures import Measure


class CheckIn(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="checkins")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="checkins")
    measure = models.CharField(max_length=8, choices=Measure.choices)
    due_date = models.DateField(help_text="The patient's local date it falls due.")
    due_at = models.DateTimeField(help_text="The instant of the reminder time on that date.")
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(null=True, blank=True)
    score = models.FloatField(
        null=True, blank=True, help_text="NPRS and PSFS: the mean of the ratings; GROC: the rating."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_date", "measure", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "measure", "due_date"], name="checkin_one_per_measure_day"
            ),
            models.CheckConstraint(
                condition=Q(measure__in=Measure.values), name="checkin_measure_valid"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answers__isnull=True, score__isnull=True)
                | Q(answered_at__isnull=False, answers__isnull=False, score__isnull=False),
                name="checkin_answered_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} for {self.patient} on {self.due_date}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
