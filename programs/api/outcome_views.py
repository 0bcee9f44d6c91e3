"""Clinician view of a patient's outcome measures."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from programs.api.checkin_serializers import AnswersField
from programs.outcomes.measures import Measure
from programs.outcomes.selectors import outcomes_summary


class OutcomePointSerializer(serializers.Serializer):
    checkin = serializers.IntegerField()
    due_date = serializers.DateField()
    answered_at = serializers.DateTimeField()
    score = serializers.FloatField()
    answers = AnswersField()


class McidSerializer(serializers.Serializer):
    baseline = serializers.FloatField(help_text="The first answered score.")
    latest = serializers.FloatField(help_text="The latest answered score.")
    change = serializers.FloatField(help_text="latest - baseline.")
    improvement = serializers.FloatField(help_text="The change in the better direction.")
    threshold = serializers.FloatField(help_text="The improvement that matters for this baseline.")
    passed = serializers.BooleanField()


class MeasureOutcomeSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=Measure.choices)
    title = serializers.CharField()
    lower_is_better = serializers.BooleanField(
        allow_null=True, help_text="NPRS true, PSFS false, GROC null (itself a change)."
    )
    mcid_rule = serializers.CharField(allow_blank=True)
    points = OutcomePointSerializer(many=True, help_text="Answered check-ins, oldest first.")
    mcid = McidSerializer(
        allow_null=True, help_text="Null until two answers (or for GROC, which has none)."
    )


class PatientOutcomesSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    measures = MeasureOutcomeSerializer(many=True)


class PatientOutcomesView(ClinicianAPIMixin, generics.GenericAPIView):
    serializer_class = PatientOutcomesSerializer

    @extend_schema(
        summary="Each outcome measure over time, with its minimal clinically important difference",
        description=(
            "NPRS (lower is better): the latest score against the first passes when it "
            "fell by 2 points or by 30% of the first. PSFS (higher is better): when the "
            "mean of the three activities rose by 2. Scores are the mean of the ratings."
        ),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")],
        responses={200: PatientOutcomesSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        self.audit(AuditEvent.Action.READ, [patient.pk])
        body = {"patient": patient.pk, "measures": outcomes_summary(patient_id=patient.pk)}
        return Response(PatientOutcomesSerializer(body).data)
