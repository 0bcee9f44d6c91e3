"""CSV exports: the API's numbers, streamed in constant memory, audited, per clinic."""

import csv
import datetime as dt
import io
import itertools
import tracemalloc
import uuid

import pytest
import time_machine

from patients.models import AuditEvent, Patient, User
from programs.models import ExerciseLog, Program, ProgramItem, Session
from tests import factories
from tests.conftest import auth_client
from tests.programs.test_fhir_export import NOW, START, TODAY, seed_record


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_adherence_csv_has_the_numbers_of_the_adherence_api(clinician, clinician_client, patient):
    seed_record(patient)
    quiet = factories.PatientFactory(clinic=clinician.clinic)
    factories.PatientFactory()  # another clinic's: never listed
    query = {"from": START.isoformat(), "to": TODAY.isoformat()}
    rows = read_csv(clinician_client.get("/api/v1/reports/adherence.csv", query))
    assert len(rows) == 2 * 60
    assert {row["patient_id"] for row in rows} == {str(patient.pk), str(quiet.pk)}
    api = clinician_client.get(f"/api/v1/patients/{patient.pk}/adherence", query).json()
    mine = [row for row in rows if row["patient_id"] == str(patient.pk)]
    assert [
        {
            "date": row["date"],
            "scheduled": int(row["scheduled"]),
            "done": int(row["done"]),
            "pain_average": float(row["pain_average"]) if row["pain_average"] else None,
        }
        for row in mine
    ] == api["days"]
    assert sum(int(row["done"]) for row in mine) == api["totals"]["done"]
    window = [row for row in mine if row["date"] > (TODAY - dt.timedelta(days=30)).isoformat()]
    assert sum(int(row["rtm_data_day"]) for row in window) == api["data_days_last_30"]
    assert mine[0]["first_name"] == patient.user.first_name


def test_adherence_csv_audits_every_patient_exported(clinician, clinician_client, patient):
    others = [factories.PatientFactory(clinic=clinician.clinic) for _ in range(2)]
    read_csv(clinician_client.get("/api/v1/reports/adherence.csv"))
    audited = set(
        AuditEvent.objects.filter(
            actor=clinician.user, what__startswith="GET /api/v1/reports"
        ).values_list("patient_id", flat=True)
    )
    assert audited == {patient.pk, *(p.pk for p in others)}


@pytest.mark.parametrize(
    "query", [{"from": "2026-11-26", "to": "2026-11-25"}, {"from": "2025-01-01"}, {"to": "x"}]
)
def test_adherence_csv_refuses_bad_ranges(clinician_client, query):
    response = clinician_client.get("/api/v1/reports/adherence.csv", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_logs_csv_lists_every_log_with_what_was_prescribed(clinician_client, patient):
    seed_record(patient)
    rows = read_csv(clinician_client.get(f"/api/v1/patients/{patient.pk}/logs.csv"))
    logs = ExerciseLog.objects.filter(patient=patient)
    assert len(rows) == logs.count() == 60 * 2 + 9
    assert {row["log_id"] for row in rows} == {str(pk) for pk in logs.values_list("pk", flat=True)}
    assert [row["performed_at"] for row in rows] == sorted(row["performed_at"] for row in rows)
    first = rows[0]
    log = logs.get(pk=first["log_id"])
    assert first["exercise_name"] == log.item.exercise.name
    assert first["program_version"] == str(log.program_version)
    assert first["pain"] == str(log.pain)
    assert first["completed"] == "1"
    ranged = read_csv(
        clinician_client.get(f"/api/v1/patients/{patient.pk}/logs.csv", {"from": TODAY.isoformat()})
    )
    assert {row["date"] for row in ranged} == {TODAY.isoformat()}


def test_logs_csv_of_another_clinics_patient_is_404(db, patient):
    other = auth_client(factories.ClinicianFactory().user)
    assert other.get(f"/api/v1/patients/{patient.pk}/logs.csv").status_code == 404
    # The refused attempt is on the trail as `denied`; nothing was exported.
    actions = set(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True))
    assert actions <= {AuditEvent.Action.DENIED}


def test_csv_answers_to_an_accept_text_csv_client(clinician_client, patient):
    response = clinician_client.get(
        f"/api/v1/patients/{patient.pk}/logs.csv", HTTP_ACCEPT="text/csv"
    )
    assert read_csv(response) == []


def seed_clinic(clinic, *, patients: int, days: int, log_every: int) -> None:
    """A clinic of `patients` with one daily line each and a log every `log_every`
    days over `days` days, written in bulk."""
    exercise = factories.ExerciseFactory()
    start = TODAY - dt.timedelta(days=days - 1)
    prefix = f"csv-{clinic.pk}-"
    User.objects.bulk_create(
        [
            User(email=f"{prefix}{n}@example.com", first_name="P", last_name=str(n))
            for n in range(patients)
        ]
    )
    users = list(User.objects.filter(email__startswith=prefix).order_by("id"))
    Patient.objects.bulk_create([Patient(user=u, clinic=clinic, timezone="UTC") for u in users])
    people = list(Patient.objects.filter(user__in=users).order_by("id"))
    Program.objects.bulk_create(
        [Program(patient=p, name="Daily", start_date=start) for p in people]
    )
    programs = list(Program.objects.filter(patient__in=people))
    ProgramItem.objects.bulk_create(
        [ProgramItem(program=pr, exercise=exercise, order=1, valid_from=start) for pr in programs]
    )
    item_of = dict(
        ProgramItem.objects.filter(program__in=programs).values_list("program__patient_id", "id")
    )
    dates = [start + dt.timedelta(days=d) for d in range(0, days, log_every)]
    Session.objects.bulk_create(
        [Session(patient=p, date=d) for p in people for d in dates], batch_size=5000
    )
    session_of = {
        (patient_id, day): session_id
        for session_id, patient_id, day in Session.objects.filter(patient__in=people).values_list(
            "id", "patient_id", "date"
        )
    }
    ExerciseLog.objects.bulk_create(
        [
            ExerciseLog(
                id=uuid.uuid4(),
                patient=p,
                session_id=session_of[(p.pk, d)],
                item_id=item_of[p.pk],
                program_version=1,
                date=d,
                pain=3,
                performed_at=dt.datetime.combine(d, dt.time(12, 0), tzinfo=dt.UTC),
            )
            for p in people
            for d in dates
        ],
        batch_size=5000,
    )


def test_adherence_csv_streams_2000_patients_by_90_days_in_flat_memory(clinician, clinician_client):
    seed_clinic(clinician.clinic, patients=2000, days=90, log_every=3)
    query = {"from": (TODAY - dt.timedelta(days=89)).isoformat(), "to": TODAY.isoformat()}

    def peak_after(rows: int | None) -> tuple[int, int]:
        response = clinician_client.get("/api/v1/reports/adherence.csv", query)
        assert response.status_code == 200
        tracemalloc.start()
        try:
            lines = 0
            for chunk in itertools.islice(response.streaming_content, rows):
                lines += chunk.count(b"\n")
            return lines, tracemalloc.get_traced_memory()[1]
        finally:
            # Not response.close(): that fires request_finished, which closes the
            # test's database connection on PostgreSQL.
            tracemalloc.stop()

    part_lines, part_peak = peak_after(1 + 3 * 200 * 90)  # the header and three chunks
    all_lines, all_peak = peak_after(None)
    assert part_lines == 1 + 3 * 200 * 90
    assert all_lines == 1 + 2000 * 90
    print(
        f"\npeak memory: {part_peak / 1e6:.2f} MB after 54,000 rows, {all_peak / 1e6:.2f} MB after 180,000"
    )
    assert all_peak < 1.5 * part_peak
