"""Code systems, canonical URLs and identifiers the export uses.

Our own codes live under settings.FHIR_BASE_URL (the API's FHIR base):
- `{base}/CodeSystem/exercise`: an exercise's slug;
- `{base}/CodeSystem/adherence`: `scheduled` and `done`, the components of a day's
  exercise-completion Observation (occurrences, as the adherence API counts them);
- `{base}/StructureDefinition/exercise-prescription`: the dose of a line (sets, reps,
  holdSeconds, durationSeconds, side) and its program version and line key.
"""

import datetime as dt
import uuid
from functools import lru_cache

from django.conf import settings

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"

EXERCISE_ACTIVITY = ("73985-4", "Exercise activity")
PAIN_SEVERITY = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

FHIR_VERSION = "4.3.0"
SOFTWARE_NAME = "HEP home exercise programs"


def base_url() -> str:
    return settings.FHIR_BASE_URL


def exercise_system() -> str:
    return f"{base_url()}/CodeSystem/exercise"


def adherence_system() -> str:
    return f"{base_url()}/CodeSystem/adherence"


def prescription_extension_url() -> str:
    return f"{base_url()}/StructureDefinition/exercise-prescription"


def canonical(resource_type: str, resource_id: str) -> str:
    return f"{base_url()}/{resource_type}/{resource_id}"


@lru_cache(maxsize=4096)
def _stable_urn(canonical_url: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, canonical_url)}"


def full_url(resource_type: str, resource_id: str) -> str:
    """A stable `urn:uuid:` for a resource (a UUID v5 of its canonical URL);
    references in the Bundle use it."""
    return _stable_urn(canonical(resource_type, resource_id))


def reference(resource_type: str, resource_id: str) -> dict:
    return {"reference": full_url(resource_type, resource_id)}


def instant(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat().replace("+00:00", "Z")
