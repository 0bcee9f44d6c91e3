"""One function per FHIR resource type: model rows in, FHIR JSON (dicts) out."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from patients.models import Clinic, Patient
from programs.adherence import DayStatus
from programs.fhir import codes
from programs.models import Exercise, Program, ProgramItem, ProgramTemplate, TemplateItem
from programs.selectors.fhir import LogRow

ISO_DAYS = {1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}
CAREPLAN_STATUS = {
    Program.Status.ACTIVE: "active",
    Program.Status.PAUSED: "on-hold",
    Program.Status.COMPLETED: "completed",
}
ACTIVITY_STATUS = {
    Program.Status.ACTIVE: "in-progress",
    Program.Status.PAUSED: "on-hold",
    Program.Status.COMPLETED: "completed",
}


def _meta() -> dict:
    return {"source": codes.base_url()}


def organization_id(clinic_id: int) -> str:
    return f"clinic-{clinic_id}"


def patient_id(pk: int) -> str:
    return f"patient-{pk}"


def exercise_id(pk: int) -> str:
    return f"exercise-{pk}"


def protocol_id(pk: int) -> str:
    return f"protocol-{pk}"


def careplan_id(pk: int) -> str:
    return f"program-{pk}"


def organization(clinic: Clinic) -> dict:
    return {
        "resourceType": "Organization",
        "id": organization_id(clinic.pk),
        "meta": _meta(),
        "active": True,
        "name": clinic.name,
    }


def patient_resource(patient: Patient) -> dict:
    user = patient.user
    name: dict = {"use": "official"}
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    full = user.get_full_name()
    if full:
        name["text"] = full
    resource = {
        "resourceType": "Patient",
        "id": patient_id(patient.pk),
        "meta": _meta(),
        "identifier": [{"system": f"{codes.base_url()}/patient-id", "value": str(patient.pk)}],
        "active": user.is_active,
        "telecom": [{"system": "email", "value": user.email, "use": "home"}],
        "managingOrganization": codes.reference("Organization", organization_id(patient.clinic_id)),
    }
    if len(name) > 1:
        resource["name"] = [name]
    return resource


def _dose_text(sets, reps, hold_seconds, duration_seconds, side: str | None = None) -> str:
    parts = []
    if sets and reps:
        parts.append(f"{sets} x {reps} reps")
    elif sets:
        parts.append(f"{sets} sets")
    elif reps:
        parts.append(f"{reps} reps")
    if hold_seconds:
        parts.append(f"hold {hold_seconds} s")
    if duration_seconds:
        parts.append(f"{duration_seconds} s")
    if side and side != "both":
        parts.append("each side" if side == "each" else f"{side} side")
    return ", ".join(parts) or "as instructed"


def _prescription_extension(values: Iterable[tuple[str, str, object]]) -> dict:
    return {
        "url": codes.prescription_extension_url(),
        "extension": [
            {"url": name, kind: value} for name, kind, value in values if value not in (None, "")
        ],
    }


def _dose_values(line) -> list[tuple[str, str, object]]:
    return [
        ("sets", "valueInteger", line.sets),
        ("reps", "valueInteger", line.reps),
        ("holdSeconds", "valueInteger", line.hold_seconds),
        ("durationSeconds", "valueInteger", line.duration_seconds),
    ]


def _exercise_code(exercise: Exercise) -> dict:
    return {
        "coding": [
            {"system": codes.exercise_system(), "code": exercise.slug, "display": exercise.name}
        ],
        "text": exercise.name,
    }


def activity_definition(exercise: Exercise) -> dict:
    resource_id = exercise_id(exercise.pk)
    defaults = (
        exercise.default_sets,
        exercise.default_reps,
        exercise.default_hold_seconds,
        exercise.default_duration_seconds,
    )
    dose_values = [
        (name, "valueInteger", value)
        for name, value in zip(
            ("sets", "reps", "holdSeconds", "durationSeconds"), defaults, strict=True
        )
    ]
    resource = {
        "resourceType": "ActivityDefinition",
        "id": resource_id,
        "meta": _meta(),
        "url": codes.canonical("ActivityDefinition", resource_id),
        "status": "active",
        "title": exercise.name,
        "code": _exercise_code(exercise),
        "dosage": [
            {
                "extension": [_prescription_extension(dose_values)],
                "sequence": 1,
                "text": _dose_text(*defaults),
            }
        ],
    }
    steps = [step for step in exercise.instructions if str(step).strip()]
    if steps:
        resource["description"] = "\n".join(
            f"{number}. {step}" for number, step in enumerate(steps, 1)
        )
    return resource


def plan_definition(template: ProgramTemplate, lines: Sequence[TemplateItem]) -> dict:
    resource_id = protocol_id(template.pk)
    resource = {
        "resourceType": "PlanDefinition",
        "id": resource_id,
        "meta": _meta(),
        "url": codes.canonical("PlanDefinition", resource_id),
        "status": "active",
        "title": template.name,
        "type": {"coding": [{"system": codes.PLAN_DEFINITION_TYPE, "code": "clinical-protocol"}]},
    }
    if template.description:
        resource["description"] = template.description
    if lines:
        resource["action"] = [
            {
                "title": line.exercise.name,
                "definitionCanonical": codes.canonical(
                    "ActivityDefinition", exercise_id(line.exercise_id)
                ),
            }
            for line in lines
        ]
    return resource


def _line_activity(program: Program, line: ProgramItem) -> dict:
    if line.valid_until is None:
        status = ACTIVITY_STATUS[program.status]
        bounds = {"start": line.valid_from.isoformat()}
        if program.end_date:
            bounds["end"] = program.end_date.isoformat()
    else:
        status = "stopped"  # replaced by a later version of the program
        last_day = max(line.valid_from, line.valid_until - dt.timedelta(days=1))
        bounds = {"start": line.valid_from.isoformat(), "end": last_day.isoformat()}
    values = [
        *_dose_values(line),
        ("side", "valueCode", line.side),
        ("programVersion", "valueInteger", line.version),
        ("lineKey", "valueString", str(line.key)),
    ]
    detail = {
        "extension": [_prescription_extension(values)],
        "instantiatesCanonical": [
            codes.canonical("ActivityDefinition", exercise_id(line.exercise_id))
        ],
        "code": _exercise_code(line.exercise),
        "status": status,
        "scheduledTiming": {
            "repeat": {
                "boundsPeriod": bounds,
                "frequency": line.times_per_day,
                "period": 1,
                "periodUnit": "d",
                "dayOfWeek": [ISO_DAYS[day] for day in line.days_of_week],
            }
        },
        "dailyAmount": {
            "value": line.times_per_day,
            "unit": "times per day",
            "system": codes.UCUM,
            "code": "/d",
        },
    }
    if line.notes:
        detail["description"] = line.notes
    return {"detail": detail}


def care_plan(program: Program, lines: Sequence[ProgramItem], patient: Patient) -> dict:
    period = {"start": program.start_date.isoformat()}
    if program.end_date:
        period["end"] = program.end_date.isoformat()
    resource = {
        "resourceType": "CarePlan",
        "id": careplan_id(program.pk),
        "meta": _meta(),
        "identifier": [{"system": f"{codes.base_url()}/program-id", "value": str(program.pk)}],
        "status": CAREPLAN_STATUS[program.status],
        "intent": "plan",
        "title": program.name,
        "description": f"Home exercise program, version {program.version}.",
        "subject": codes.reference("Patient", patient_id(patient.pk)),
        "period": period,
        "created": codes.instant(program.created_at),
        "author": codes.reference("Organization", organization_id(patient.clinic_id)),
    }
    if program.template_id:
        resource["instantiatesCanonical"] = [
            codes.canonical("PlanDefinition", protocol_id(program.template_id))
        ]
    if lines:
        resource["activity"] = [_line_activity(program, line) for line in lines]
    return resource


class ObservationContext(NamedTuple):
    """What every Observation of one Bundle shares, built once (the dicts are only
    ever serialised, so one object may appear in many resources)."""

    meta: dict
    subject: dict
    based_on: dict[int, list[dict]]  # program id -> [CarePlan reference]
    id_prefix: str


def observation_context(patient: Patient, program_ids: Iterable[int]) -> ObservationContext:
    return ObservationContext(
        meta=_meta(),
        subject=codes.reference("Patient", patient_id(patient.pk)),
        based_on={pk: [codes.reference("CarePlan", careplan_id(pk))] for pk in program_ids},
        id_prefix=f"day-{patient.pk}-",
    )


def completion_observation(
    day: DayStatus, logs: Sequence[LogRow], context: ObservationContext
) -> dict:
    """A logged day's exercise completion: occurrences scheduled and done, as the
    adherence API counts them, and the percentage done."""
    program_ids = sorted({log.program_id for log in logs})
    resource = {
        "resourceType": "Observation",
        "id": context.id_prefix + day.date.isoformat(),
        "meta": context.meta,
        "basedOn": [ref for pk in program_ids for ref in context.based_on[pk]],
        "status": "final",
        "category": _ACTIVITY,
        "code": _EXERCISE_ACTIVITY_CODE,
        "subject": context.subject,
        "effectivePeriod": {
            "start": codes.instant(logs[0].performed_at),
            "end": codes.instant(logs[-1].performed_at),
        },
        "component": [
            {"code": _component_code("scheduled"), "valueInteger": day.scheduled},
            {"code": _component_code("done"), "valueInteger": day.done},
        ],
    }
    if day.scheduled:
        resource["valueQuantity"] = {
            "value": round(100 * day.done / day.scheduled, 1),
            "unit": "%",
            "system": codes.UCUM,
            "code": "%",
        }
    return resource


def _component_code(code: str) -> dict:
    return {"coding": [{"system": codes.adherence_system(), "code": code}]}


def pain_observation(log: LogRow, context: ObservationContext) -> dict:
    return {
        "resourceType": "Observation",
        "id": f"pain-{log.id}",
        "meta": context.meta,
        "basedOn": context.based_on[log.program_id],
        "status": "final",
        "category": _SURVEY,
        "code": _PAIN_CODE,
        "subject": context.subject,
        "effectiveDateTime": codes.instant(log.performed_at),
        "valueInteger": log.pain,
    }


def pain_full_url(log: LogRow) -> str:
    """A pain Observation is one log: its fullUrl is the log's own UUID."""
    return f"urn:uuid:{log.id}"


# Shared by every Observation of a Bundle (the dicts are only ever serialised).
_SURVEY = [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "survey"}]}]
_ACTIVITY = [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": "activity"}]}]
_PAIN_CODE = {
    "coding": [
        {"system": codes.LOINC, "code": codes.PAIN_SEVERITY[0], "display": codes.PAIN_SEVERITY[1]}
    ]
}
_EXERCISE_ACTIVITY_CODE = {
    "coding": [
        {
            "system": codes.LOINC,
            "code": codes.EXERCISE_ACTIVITY[0],
            "display": codes.EXERCISE_ACTIVITY[1],
        }
    ]
}
