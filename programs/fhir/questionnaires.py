"""The three check-in questionnaires as FHIR Questionnaire resources, defined once.

Each answered check-in's QuestionnaireResponse (outcomes.py) points at one of these
by its canonical `{base}/Questionnaire/{nprs|psfs|groc}`, and its items carry the
same linkIds and texts. They are exported in $everything beside the responses and
read at GET /api/v1/fhir/Questionnaire/{measure}. The wording is our own.
"""

from programs.fhir import codes
from programs.outcomes.measures import (
    ACTIVITY_NAME_MAX,
    GROC_MAX,
    GROC_MIN,
    PSFS_ACTIVITIES,
    SCORE_MAX,
    SCORE_MIN,
    TITLES,
    Measure,
)

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

# The text of every question, by linkId; the responses repeat it.
TEXT = {
    "current": "Pain right now (0-10)",
    "best": "Least pain over the last 7 days (0-10)",
    "worst": "Worst pain over the last 7 days (0-10)",
    "activity": "An activity the back makes hard",
    "activity.name": "What the activity is",
    "activity.score": "How well it can be done (0-10)",
    "rating": "Change since the program started (-7 to 7)",
}

DESCRIPTION = {
    Measure.NPRS: (
        "Numeric pain rating scale: pain now, at its least and at its worst over the "
        "last 7 days, each 0 (no pain) to 10 (worst imaginable). Scored as the mean of "
        "the three. Asked weekly from the program's start."
    ),
    Measure.PSFS: (
        "Patient-specific functional scale: three activities the patient finds hard "
        "because of their back, each rated 0 (cannot do it) to 10 (as well as before "
        "the problem); later check-ins re-rate the same three. Scored as the mean. "
        "Asked at the program's start and every 2 weeks."
    ),
    Measure.GROC: (
        "Global rating of change: how the back is now compared with the start of the "
        "program, from -7 (very much worse) through 0 (about the same) to +7 (very much "
        "better). Asked once, on the program's last day."
    ),
}


def _integer(link_id: str, low: int, high: int, text_key: str | None = None) -> dict:
    return {
        "extension": [
            {"url": MIN_VALUE, "valueInteger": low},
            {"url": MAX_VALUE, "valueInteger": high},
        ],
        "linkId": link_id,
        "text": TEXT[text_key or link_id],
        "type": "integer",
        "required": True,
    }


def _items(measure: str) -> list[dict]:
    if measure == Measure.NPRS:
        return [_integer(key, SCORE_MIN, SCORE_MAX) for key in ("current", "best", "worst")]
    if measure == Measure.PSFS:
        return [
            {
                "linkId": f"activity-{index}",
                "text": TEXT["activity"],
                "type": "group",
                "required": True,
                "item": [
                    {
                        "linkId": f"activity-{index}.name",
                        "text": TEXT["activity.name"],
                        "type": "string",
                        "required": True,
                        "maxLength": ACTIVITY_NAME_MAX,
                    },
                    _integer(f"activity-{index}.score", SCORE_MIN, SCORE_MAX, "activity.score"),
                ],
            }
            for index in range(1, PSFS_ACTIVITIES + 1)
        ]
    return [_integer("rating", GROC_MIN, GROC_MAX)]


def questionnaire(measure: str) -> dict:
    """The Questionnaire of `measure` (one of Measure.values)."""
    return {
        "resourceType": "Questionnaire",
        "id": measure,
        "meta": {"source": codes.base_url()},
        "url": codes.canonical("Questionnaire", measure),
        "name": measure.upper(),
        "title": TITLES[measure],
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": codes.SOFTWARE_NAME,
        "description": DESCRIPTION[measure],
        "item": _items(measure),
    }
