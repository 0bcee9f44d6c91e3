"""The database itself refuses rows that must never exist, whatever the code above it does."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from notifications.models import Delivery
from programs.models import Alert, ExerciseLog, ProgramPause
from tests import factories

pytestmark = pytest.mark.django_db


def rejected(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_one_log_per_client_uuid():
    log = factories.ExerciseLogFactory()
    again = ExerciseLog(
        id=log.id,
        patient=log.patient,
        session=log.session,
        item=log.item,
        program_version=1,
        date=log.date,
        performed_at=log.performed_at,
    )
    assert rejected(lambda: again.save(force_insert=True))
    assert ExerciseLog.objects.count() == 1


@pytest.mark.parametrize("field,value", [("pain", 11), ("difficulty", 11), ("reps_done", 5000)])
def test_log_values_out_of_range_are_rejected(field, value):
    assert rejected(lambda: factories.ExerciseLogFactory(**{field: value}))
    assert not ExerciseLog.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("sets", 0),
        ("sets", 21),
        ("reps", 201),
        ("hold_seconds", 601),
        ("times_per_day", 0),
        ("days_mask", 0),
    ],
)
def test_program_item_dose_out_of_range_is_rejected(field, value):
    assert rejected(lambda: factories.ProgramItemFactory(**{field: value}))


def test_one_slug_per_scope():
    clinic = factories.ClinicFactory()
    factories.ExerciseFactory(slug="dead-bug")
    assert rejected(lambda: factories.ExerciseFactory(slug="dead-bug"))
    factories.ExerciseFactory(
        slug="dead-bug", clinic=clinic
    )  # a clinic may shadow in its own scope
    assert rejected(lambda: factories.ExerciseFactory(slug="dead-bug", clinic=clinic))
    factories.ExerciseFactory(slug="dead-bug", clinic=factories.ClinicFactory())


def test_exercise_level_is_1_to_4():
    assert rejected(lambda: factories.ExerciseFactory(level=5))
    assert rejected(lambda: factories.ExerciseFactory(level=0))


def test_program_cannot_end_before_it_starts():
    assert rejected(
        lambda: factories.ProgramFactory(
            start_date=dt.date(2026, 5, 2), end_date=dt.date(2026, 5, 1)
        )
    )


def test_only_one_current_row_per_program_line():
    item = factories.ProgramItemFactory()
    assert rejected(lambda: factories.ProgramItemFactory(program=item.program, key=item.key))


def test_one_open_pause_per_program():
    program = factories.ProgramFactory()
    ProgramPause.objects.create(program=program, start=dt.date(2026, 1, 1))
    assert rejected(lambda: ProgramPause.objects.create(program=program, start=dt.date(2026, 2, 1)))


def test_one_reminder_per_patient_date_and_channel():
    patient = factories.PatientFactory()
    row = dict(
        patient=patient,
        local_date=dt.date(2026, 3, 8),
        channel="email",
        due_at=dt.datetime(2026, 3, 8, 12, tzinfo=dt.UTC),
    )
    Delivery.objects.create(**row)
    assert rejected(lambda: Delivery.objects.create(**row))
    Delivery.objects.create(**{**row, "channel": "push"})


def test_one_open_alert_per_patient_and_kind():
    patient = factories.PatientFactory()
    row = dict(patient=patient, clinic=patient.clinic, kind="high_pain", date=dt.date(2026, 3, 8))
    first = Alert.objects.create(**row)
    assert rejected(lambda: Alert.objects.create(**row))
    first.status = Alert.Status.RESOLVED
    first.save()
    Alert.objects.create(**row)  # resolved alerts make room for a new one


def test_quiet_hours_come_in_pairs():
    assert rejected(lambda: factories.PatientFactory(quiet_start=dt.time(22, 0)))
    assert rejected(
        lambda: factories.PatientFactory(quiet_start=dt.time(22, 0), quiet_end=dt.time(22, 0))
    )
    factories.PatientFactory(quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))


def test_email_is_unique_whatever_its_case():
    factories.UserFactory(email="ana@example.com")
    assert rejected(lambda: factories.UserFactory(email="ANA@example.com"))


def test_log_ids_are_uuids_from_the_client():
    log = factories.ExerciseLogFactory(id=uuid.UUID("6f1c2f0e-4a57-4f55-9d4e-8d3b0e1a2b3c"))
    assert ExerciseLog.objects.get(pk="6f1c2f0e-4a57-4f55-9d4e-8d3b0e1a2b3c") == log
