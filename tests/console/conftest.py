import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from patients.timezones import local_today
from programs.models import Alert
from programs.services.alerts import alerts_raise_high_pain
from tests import factories


@pytest.fixture
def console(clinician) -> Client:
    """A browser session signed in as the clinic's clinician."""
    client = Client()
    client.force_login(clinician.user)
    return client


def seeded_patient(clinic, clinician, *, days: int = 20, pain=lambda n: 3, note: str = ""):
    """A patient with one every-day line and a completed log on each of `days` days,
    the last one (yesterday) carrying `note`."""
    patient = factories.PatientFactory(clinic=clinic, primary_clinician=clinician)
    today = local_today(patient.timezone)
    program = factories.ProgramFactory(patient=patient, start_date=today - dt.timedelta(days=89))
    exercise = factories.ExerciseFactory(name="Dead bug")
    item = factories.ProgramItemFactory(program=program, exercise=exercise)
    logs = []
    for offset in range(days, 0, -1):
        day = today - dt.timedelta(days=offset)
        logs.append(
            factories.ExerciseLogFactory(
                item=item,
                date=day,
                pain=pain(offset),
                note=note if offset == 1 else "",
                performed_at=timezone.now() - dt.timedelta(days=offset),
            )
        )
    return patient, program, item, logs


@pytest.fixture
def high_pain_patient(clinic, clinician):
    patient, _program, _item, logs = seeded_patient(
        clinic, clinician, pain=lambda n: 8 if n == 1 else 3, note="Sharp pain in my left hip"
    )
    alerts_raise_high_pain(logs=logs, clinic_id=clinic.pk)
    assert Alert.objects.filter(patient=patient, kind=Alert.Kind.HIGH_PAIN).exists()
    return patient
