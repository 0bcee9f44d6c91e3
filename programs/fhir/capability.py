"""The CapabilityStatement: exactly what the FHIR endpoints support (read-only)."""

import datetime as dt

from programs.fhir import codes

EXPORTED_TYPES = (
    "Patient",
    "Organization",
    "ActivityDefinition",
    "PlanDefinition",
    "CarePlan",
    "Observation",
    "QuestionnaireResponse",
)
# Read on their own as well as inside $everything.
READ_TYPES = ("Questionnaire",)


def capability_statement(*, now: dt.datetime) -> dict:
    everything = {
        "name": "everything",
        "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        "documentation": (
            "GET only, no parameters: a `collection` Bundle with the patient, their "
            "clinic, the exercises and protocols used, a CarePlan per program and the "
            "Observations of their logs (exercise completion per logged day, pain per log), "
            "and each answered check-in (NPRS, PSFS, global rating of change) as a "
            "QuestionnaireResponse with an Observation of its score, and the "
            "Questionnaires they answer."
        ),
    }
    resource_entries = [
        {
            "type": "Patient",
            "operation": [everything],
            "documentation": "Only through $everything; another clinic's patient is 404.",
        },
        *(
            {"type": name, "documentation": "Inside $everything only."}
            for name in EXPORTED_TYPES[1:]
        ),
        *(
            {
                "type": name,
                "interaction": [{"code": "read"}],
                "documentation": "Read by id (nprs, psfs, groc), and inside $everything.",
            }
            for name in READ_TYPES
        ),
    ]
    return {
        "resourceType": "CapabilityStatement",
        "id": "hep",
        "meta": {"source": codes.base_url()},
        "status": "active",
        "date": codes.instant(now),
        "kind": "instance",
        "software": {"name": codes.SOFTWARE_NAME},
        "implementation": {
            "description": "Read-only FHIR export of a clinic's home exercise programs.",
            "url": codes.base_url(),
        },
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Clinician token authentication (Authorization: Token ...), as the "
                    "rest of the API; every export is written to the audit trail."
                ),
                "security": {
                    "description": "Token per device; the caller's clinic's patients only."
                },
                "resource": resource_entries,
            }
        ],
    }
