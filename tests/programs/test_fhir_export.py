"""The FHIR R4 export: valid resources, resolvable references, the API's numbers."""

import datetime as dt
import json
from collections import defaultdict

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from patients.models import AuditEvent
from programs.models import Program, days_to_mask
from tests import factories
from tests.conftest import auth_client

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)
START = TODAY - dt.timedelta(days=59)
EDIT_DAY = START + dt.timedelta(days=30)
LOINC = "http://loinc.org"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def everything_url(patient) -> str:
    return f"/api/v1/fhir/Patient/{patient.pk}/$everything"


def seed_record(patient, *, days: int = 60, log_every: int = 1):
    """A program from a protocol, edited once (two versions), plus a second program
    on Mondays, Wednesdays and Fridays, with `days` days of logs and pain."""
    template = factories.ProgramTemplateFactory(name="Hip stability for runners")
    bridge = factories.ExerciseFactory(name="Glute bridge", instructions=["Lie down.", "Lift."])
    clamshell = factories.ExerciseFactory(name="Clamshell", default_reps=15)
    plank = factories.ExerciseFactory(
        name="Front plank", default_reps=None, default_hold_seconds=30
    )
    factories.TemplateItemFactory(template=template, exercise=bridge, order=1)
    factories.TemplateItemFactory(template=template, exercise=clamshell, order=2)
    start = TODAY - dt.timedelta(days=days - 1)
    edit_day = start + dt.timedelta(days=days // 2)
    first = factories.ProgramFactory(
        patient=patient, template=template, start_date=start, version=2, name="Hip stability"
    )
    old = factories.ProgramItemFactory(
        program=first, exercise=bridge, order=1, reps=10, valid_until=edit_day
    )
    new = factories.ProgramItemFactory(
        program=first,
        exercise=bridge,
        order=1,
        key=old.key,
        reps=12,
        version=2,
        valid_from=edit_day,
        notes="Squeeze at the top.",
    )
    twice = factories.ProgramItemFactory(
        program=first, exercise=clamshell, order=2, times_per_day=2, side="each"
    )
    second = factories.ProgramFactory(
        patient=patient, start_date=start, status=Program.Status.PAUSED, name="Core"
    )
    mwf = factories.ProgramItemFactory(
        program=second, exercise=plank, order=1, days_mask=days_to_mask([1, 3, 5])
    )
    for offset in range(0, days, log_every):
        day = start + dt.timedelta(days=offset)
        performed = dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC)
        bridge_item = old if day < edit_day else new
        factories.ExerciseLogFactory(
            item=bridge_item, date=day, performed_at=performed, pain=offset % 11
        )
        factories.ExerciseLogFactory(
            item=twice, date=day, performed_at=performed + dt.timedelta(minutes=5)
        )
        if day.isoweekday() == 3:
            factories.ExerciseLogFactory(
                item=mwf, date=day, performed_at=performed + dt.timedelta(hours=9), pain=2
            )
    return first, second


@pytest.fixture
def record(patient):
    return seed_record(patient)


def resources_of(bundle: dict) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"]]


def by_type(bundle: dict) -> dict[str, list[dict]]:
    found = defaultdict(list)
    for resource in resources_of(bundle):
        found[resource["resourceType"]].append(resource)
    return found


def walk(value, key: str):
    if isinstance(value, dict):
        for name, inner in value.items():
            if name == key:
                yield inner
            yield from walk(inner, key)
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner, key)


def test_every_resource_validates_and_the_bundle_round_trips(clinician_client, patient, record):
    response = clinician_client.get(everything_url(patient))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    types = by_type(body)
    assert set(types) == {
        "Patient",
        "Organization",
        "ActivityDefinition",
        "PlanDefinition",
        "CarePlan",
        "Observation",
    }
    for resource in resources_of(body):
        model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert model.meta.source == "https://hep.example/api/v1/fhir"
    parsed = Bundle.model_validate(body)
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == body
    assert len(types["ActivityDefinition"]) == 3
    assert len(types["CarePlan"]) == 2
    assert types["Patient"][0]["telecom"] == [
        {"system": "email", "value": patient.user.email, "use": "home"}
    ]


def test_references_and_canonicals_resolve_inside_the_bundle(clinician_client, patient, record):
    body = clinician_client.get(everything_url(patient)).json()
    full_urls = {entry["fullUrl"] for entry in body["entry"]}
    references = list(walk(body, "reference"))
    assert len(references) > 100
    assert set(references) <= full_urls
    canonicals = {resource.get("url") for resource in resources_of(body)} - {None}
    used = [url for urls in walk(body, "instantiatesCanonical") for url in urls]
    used += list(walk(body, "definitionCanonical"))
    assert used and set(used) <= canonicals
    organization = by_type(body)["Organization"][0]
    patient_resource = by_type(body)["Patient"][0]
    assert organization["name"] == patient.clinic.name
    org_url = next(
        entry["fullUrl"]
        for entry in body["entry"]
        if entry["resource"]["resourceType"] == "Organization"
    )
    assert patient_resource["managingOrganization"] == {"reference": org_url}


def test_care_plans_show_both_versions_status_schedule_and_dose(clinician_client, patient, record):
    first, _second = record
    plans = {
        plan["title"]: plan
        for plan in by_type(clinician_client.get(everything_url(patient)).json())["CarePlan"]
    }
    hip = plans["Hip stability"]
    assert hip["status"] == "active"
    assert hip["period"] == {"start": START.isoformat()}
    assert hip["instantiatesCanonical"] == [
        f"https://hep.example/api/v1/fhir/PlanDefinition/protocol-{first.template_id}"
    ]
    details = [activity["detail"] for activity in hip["activity"]]
    assert [detail["status"] for detail in details] == ["stopped", "in-progress", "in-progress"]
    retired, current, clamshell = details
    assert retired["scheduledTiming"]["repeat"]["boundsPeriod"] == {
        "start": START.isoformat(),
        "end": (EDIT_DAY - dt.timedelta(days=1)).isoformat(),
    }
    dose = {ext["url"]: ext for ext in current["extension"][0]["extension"]}
    assert dose["reps"]["valueInteger"] == 12
    assert dose["programVersion"]["valueInteger"] == 2
    assert current["description"] == "Squeeze at the top."
    assert clamshell["dailyAmount"]["value"] == 2
    assert clamshell["scheduledTiming"]["repeat"]["frequency"] == 2
    core = plans["Core"]
    assert core["status"] == "on-hold"
    assert core["activity"][0]["detail"]["scheduledTiming"]["repeat"]["dayOfWeek"] == [
        "mon",
        "wed",
        "fri",
    ]


def test_observations_match_the_adherence_api(clinician_client, patient, record):
    body = clinician_client.get(everything_url(patient)).json()
    adherence = clinician_client.get(
        f"/api/v1/patients/{patient.pk}/adherence",
        {"from": START.isoformat(), "to": TODAY.isoformat()},
    ).json()
    api_days = {day["date"]: day for day in adherence["days"]}
    completion = {}
    pains = defaultdict(list)
    for observation in by_type(body)["Observation"]:
        code = observation["code"]["coding"][0]
        assert code["system"] == LOINC
        if code["code"] == "73985-4":
            components = {
                c["code"]["coding"][0]["code"]: c["valueInteger"] for c in observation["component"]
            }
            day = observation["effectivePeriod"]["start"][:10]
            completion[day] = components
        else:
            assert code["code"] == "72514-3"
            pains[observation["effectiveDateTime"][:10]].append(observation["valueInteger"])
            assert 0 <= observation["valueInteger"] <= 10
    assert len(completion) == 60
    for day, components in completion.items():
        assert components == {
            "scheduled": api_days[day]["scheduled"],
            "done": api_days[day]["done"],
        }, day
    assert sum(c["done"] for c in completion.values()) == adherence["totals"]["done"]
    for day, values in api_days.items():
        expected = round(sum(pains[day]) / len(pains[day]), 1) if pains[day] else None
        assert values["pain_average"] == expected, day
    assert sum(len(values) for values in pains.values()) == 60 + 9  # 60 bridge + 9 Wednesdays


def test_another_clinics_patient_is_404_and_only_the_denial_is_audited(db, patient, record):
    other = factories.ClinicianFactory()
    client = auth_client(other.user)
    assert client.get(everything_url(patient)).status_code == 404
    assert client.get(f"/api/v1/patients/{patient.pk}/fhir").status_code == 404
    # The refused attempt is on the trail as `denied`; nothing was exported.
    actions = set(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True))
    assert actions <= {AuditEvent.Action.DENIED}


def test_patients_cannot_export(patient_client, patient, record):
    assert patient_client.get(everything_url(patient)).status_code == 403


def test_every_export_writes_an_audit_event(clinician_client, clinician, patient, record):
    clinician_client.get(everything_url(patient))
    clinician_client.get(f"/api/v1/patients/{patient.pk}/fhir")
    events = AuditEvent.objects.filter(patient=patient, actor=clinician.user).order_by("id")
    assert [(event.action, event.what) for event in events] == [
        ("read", f"GET /api/v1/fhir/Patient/{patient.pk}/$everything"),
        ("read", f"GET /api/v1/patients/{patient.pk}/fhir"),
    ]


def test_query_count_is_flat_in_the_number_of_logs(clinician, clinician_client):
    counts = []
    for days, every in ((2, 1), (100, 1)):
        patient = factories.PatientFactory(clinic=clinician.clinic)
        seed_record(patient, days=days, log_every=every)
        with CaptureQueriesContext(connection) as queries:
            response = clinician_client.get(everything_url(patient))
        assert response.status_code == 200
        counts.append((len(queries), patient.logs.count()))
    (small_queries, small_logs), (large_queries, large_logs) = counts
    assert large_logs >= 40 * small_logs
    assert small_queries == large_queries


def test_capability_statement_validates_and_names_what_is_supported(clinician_client):
    response = clinician_client.get("/api/v1/fhir/metadata")
    assert response.status_code == 200
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.3.0"
    rest = statement.rest[0]
    assert {resource.type for resource in rest.resource} == {
        "Patient",
        "Organization",
        "ActivityDefinition",
        "PlanDefinition",
        "CarePlan",
        "Observation",
        "QuestionnaireResponse",
        "Questionnaire",
    }
    patient = next(resource for resource in rest.resource if resource.type == "Patient")
    assert [operation.name for operation in patient.operation] == ["everything"]
    questionnaire = next(r for r in rest.resource if r.type == "Questionnaire")
    assert [i.code for i in questionnaire.interaction] == ["read"]


def test_metadata_needs_a_token(api_client, db):
    assert api_client.get("/api/v1/fhir/metadata").status_code == 401
