"""The patient's $everything Bundle, assembled from `fhir_export_data`."""

import uuid
from collections import defaultdict

from programs.fhir import codes, outcomes, questionnaires, resources
from programs.outcomes.measures import Measure
from programs.selectors.fhir import FhirExportData


def _entry(resource: dict, full_url: str | None = None) -> dict:
    return {
        "fullUrl": full_url or codes.full_url(resource["resourceType"], resource["id"]),
        "resource": resource,
    }


def patient_bundle(data: FhirExportData) -> dict:
    """A `collection` Bundle: the Patient, their clinic, the exercises and protocols
    used, one CarePlan per program, the Observations of their logs, and each answered
    check-in as a QuestionnaireResponse with an Observation of its score (and the
    Questionnaire each response answers)."""
    patient = data.patient
    found = [resources.patient_resource(patient), resources.organization(patient.clinic)]
    found += [resources.activity_definition(exercise) for exercise in data.exercises.values()]

    template_lines = defaultdict(list)
    for line in data.template_items:
        template_lines[line.template_id].append(line)
    templates = {program.template_id: program.template for program in data.programs}
    found += [
        resources.plan_definition(template, template_lines[template_id])
        for template_id, template in templates.items()
        if template is not None
    ]

    program_lines = defaultdict(list)
    for line in data.items:
        program_lines[line.program_id].append(line)
    found += [
        resources.care_plan(program, program_lines[program.pk], patient)
        for program in data.programs
    ]

    context = resources.observation_context(patient, [program.pk for program in data.programs])
    logs_by_day: dict = defaultdict(list)
    for log in data.logs:
        logs_by_day[log.date].append(log)
    for day in data.days:
        if day.logged:
            found.append(resources.completion_observation(day, logs_by_day[day.date], context))
    measures = {checkin.measure for checkin in data.checkins}
    found += [questionnaires.questionnaire(m) for m in Measure.values if m in measures]
    for checkin in data.checkins:
        found.append(outcomes.questionnaire_response(checkin, context))
        found.append(outcomes.score_observation(checkin, context))
    entries = [_entry(resource) for resource in found]
    entries += [
        _entry(resources.pain_observation(log, context), resources.pain_full_url(log))
        for log in data.logs
        if log.pain is not None
    ]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": codes.instant(data.generated_at), "source": codes.base_url()},
        "type": "collection",
        "timestamp": codes.instant(data.generated_at),
        "entry": entries,
    }
