"""FHIR R4 endpoints (read-only): a patient's $everything, the check-in
Questionnaires and the CapabilityStatement."""

import orjson
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.schema import problems
from patients.api.clinician import ClinicianAPIMixin
from patients.models import AuditEvent
from programs.fhir.bundle import patient_bundle
from programs.fhir.capability import capability_statement
from programs.fhir.questionnaires import questionnaire
from programs.outcomes.measures import Measure
from programs.selectors.fhir import fhir_export_data

PATIENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Patient id.")


class FhirJSONRenderer(JSONRenderer):
    """FHIR JSON, written with orjson: a 90-day Bundle is ~600 KB, and the standard
    encoder spent more time on it than the whole adherence report takes."""

    media_type = "application/fhir+json"
    format = "fhir"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data)


class FhirView(ClinicianAPIMixin, generics.GenericAPIView):
    renderer_classes = [FhirJSONRenderer, JSONRenderer]


class PatientEverythingView(FhirView):
    @extend_schema(
        operation_id="fhir_patient_everything",
        summary="FHIR R4 Bundle of everything about one patient",
        description=(
            "A `collection` Bundle: Patient, Organization (the clinic), ActivityDefinition "
            "per exercise used, PlanDefinition per protocol, CarePlan per program, "
            "Observation per logged day (LOINC 73985-4, scheduled/done components) and "
            "per reported pain (LOINC 72514-3), and each answered check-in as a "
            "QuestionnaireResponse (with the Questionnaire it answers) and an Observation "
            "of its score. Written to the audit trail."
        ),
        parameters=[PATIENT_ID],
        responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT, **problems(401, 403, 404)},
    )
    def get(self, request, pk):
        patient = self.clinic_patient(pk)
        bundle = patient_bundle(fhir_export_data(patient=patient))
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return Response(bundle)


@extend_schema_view(get=extend_schema(operation_id="patient_fhir"))
class PatientFhirView(PatientEverythingView):
    """The same Bundle under the patient's own path."""


class QuestionnaireView(FhirView):
    @extend_schema(
        operation_id="fhir_questionnaire_read",
        summary="FHIR Questionnaire of a check-in measure (NPRS, PSFS, GROC)",
        description=(
            "The questionnaire an exported QuestionnaireResponse's `questionnaire` "
            "canonical names. No patient data."
        ),
        parameters=[
            OpenApiParameter(
                "measure",
                str,
                OpenApiParameter.PATH,
                enum=Measure.values,
                description="The measure's code.",
            )
        ],
        responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT, **problems(401, 403, 404)},
    )
    def get(self, request, measure):
        if measure not in Measure.values:
            raise NotFound(f"No Questionnaire '{measure}'.")
        return Response(questionnaire(measure))


class CapabilityStatementView(FhirView):
    @extend_schema(
        operation_id="fhir_metadata",
        summary="FHIR CapabilityStatement: what the FHIR endpoints support",
        responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT, **problems(401, 403)},
    )
    def get(self, request):
        return Response(capability_statement(now=timezone.now()))
