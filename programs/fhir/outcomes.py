"""Answered check-ins in the export: a QuestionnaireResponse each, and an
Observation of its score derived from it.

Our own terms (no LOINC panel fits these three as we ask them):
- `{base}/Questionnaire/{nprs|psfs|groc}`: the canonical of each questionnaire
  (questionnaires.py, whose linkIds and texts the responses' items repeat);
- `{base}/CodeSystem/outcome-measure`: the codes of the score Observations.
"""

from programs.fhir import codes
from programs.fhir.questionnaires import TEXT
from programs.fhir.resources import ObservationContext
from programs.outcomes.measures import Measure
from programs.outcomes.models import CheckIn

_SURVEY = [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey"}]}]
SCORE_DISPLAY = {
    Measure.NPRS: "NPRS: mean of pain now, least and worst over 7 days (0-10)",
    Measure.PSFS: "PSFS: mean of three activities' ratings (0-10)",
    Measure.GROC: "Global rating of change (-7 to 7)",
}


def measure_system() -> str:
    return f"{codes.base_url()}/CodeSystem/outcome-measure"


def response_id(checkin: CheckIn) -> str:
    return f"checkin-{checkin.pk}"


def _integer(link_id: str, text_key: str, value: int) -> dict:
    return {"linkId": link_id, "text": TEXT[text_key], "answer": [{"valueInteger": value}]}


def _items(checkin: CheckIn) -> list[dict]:
    answers = checkin.answers
    if checkin.measure == Measure.NPRS:
        return [_integer(key, key, answers[key]) for key in ("current", "best", "worst")]
    if checkin.measure == Measure.PSFS:
        return [
            {
                "linkId": f"activity-{index}",
                "text": TEXT["activity"],
                "item": [
                    {
                        "linkId": f"activity-{index}.name",
                        "text": TEXT["activity.name"],
                        "answer": [{"valueString": a["name"]}],
                    },
                    _integer(f"activity-{index}.score", "activity.score", a["score"]),
                ],
            }
            for index, a in enumerate(answers["activities"], start=1)
        ]
    return [_integer("rating", "rating", answers["rating"])]


def questionnaire_response(checkin: CheckIn, context: ObservationContext) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": response_id(checkin),
        "meta": context.meta,
        "questionnaire": codes.canonical("Questionnaire", checkin.measure),
        "status": "completed",
        "basedOn": context.based_on[checkin.program_id],
        "subject": context.subject,
        "authored": codes.instant(checkin.answered_at),
        "item": _items(checkin),
    }


def score_observation(checkin: CheckIn, context: ObservationContext) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"checkin-score-{checkin.pk}",
        "meta": context.meta,
        "basedOn": context.based_on[checkin.program_id],
        "status": "final",
        "category": _SURVEY,
        "code": {
            "coding": [
                {
                    "system": measure_system(),
                    "code": checkin.measure,
                    "display": SCORE_DISPLAY[checkin.measure],
                }
            ]
        },
        "subject": context.subject,
        "effectiveDateTime": codes.instant(checkin.answered_at),
        "valueQuantity": {
            "value": checkin.score,
            "unit": "score",
            "system": codes.UCUM,
            "code": "{score}",
        },
        "derivedFrom": [codes.reference("QuestionnaireResponse", response_id(checkin))],
    }
