"""The patient list builds its rows by hand for speed: they must equal what the
documented serializer gives, field for field."""

import datetime as dt

import pytest

from patients.api.clinic_serializers import PatientOutSerializer
from programs.api.patient_rows import ListedPatient, listed_patients, patient_row
from programs.models import Alert
from programs.selectors.clinic import (
    last_7_days_adherence,
    patients_for_clinic,
    patients_with_activity,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_hand_built_rows_equal_the_serializer(clinician):
    clinic = clinician.clinic
    logged = factories.PatientFactory(clinic=clinic, primary_clinician=clinician)
    item = factories.ProgramItemFactory(program=factories.ProgramFactory(patient=logged))
    factories.ExerciseLogFactory(
        item=item, performed_at=dt.datetime(2026, 11, 23, 7, 5, 9, 120000, tzinfo=dt.UTC)
    )
    Alert.objects.create(
        clinic=clinic, patient=logged, kind="high_pain", date=dt.date(2026, 11, 23)
    )
    invited = factories.PatientFactory(clinic=clinic, primary_clinician=None)
    invited.user.set_unusable_password()
    invited.user.save()
    nameless = factories.ClinicianFactory(clinic=clinic, user__first_name="", user__last_name="")
    factories.PatientFactory(clinic=clinic, primary_clinician=nameless)

    page = patients_with_activity(patients=list(patients_for_clinic(clinic_id=clinic.pk)))
    rates = last_7_days_adherence(patients=page)
    expected = PatientOutSerializer(page, many=True, context={"rates": rates}).data
    listed = [
        ListedPatient(*row) for row in listed_patients(patients_for_clinic(clinic_id=clinic.pk))
    ]
    listed = patients_with_activity(patients=listed)
    assert [patient_row(patient, rates) for patient in listed] == [dict(row) for row in expected]
    assert len(listed) == 3
    assert any(row["last_7_days"] is not None for row in expected)
