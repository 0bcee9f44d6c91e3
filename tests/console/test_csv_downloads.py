"""Console downloads of the CSV exports: the same bytes as the API, clinic-scoped, audited."""

import html

import pytest
import time_machine
from django.test import Client

from patients.models import AuditEvent
from tests import factories
from tests.programs.test_fhir_export import NOW, START, TODAY, seed_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def test_the_patient_page_downloads_the_same_logs_csv_as_the_api(
    console, clinician_client, patient
):
    seed_record(patient)
    page = html.unescape(console.get(f"/clinic/patients/{patient.pk}/").content.decode())
    assert f'href="/clinic/patients/{patient.pk}/logs.csv"' in page
    assert f"Download {patient}'s logs (CSV)" in page

    mine = body(console.get(f"/clinic/patients/{patient.pk}/logs.csv"))
    api = body(clinician_client.get(f"/api/v1/patients/{patient.pk}/logs.csv"))
    assert mine == api and mine.count(b"\n") == 1 + 60 * 2 + 9
    ranged = {"from": TODAY.isoformat()}
    assert body(console.get(f"/clinic/patients/{patient.pk}/logs.csv", ranged)) == body(
        clinician_client.get(f"/api/v1/patients/{patient.pk}/logs.csv", ranged)
    )
    assert AuditEvent.objects.filter(
        patient=patient, action="read", what=f"GET /clinic/patients/{patient.pk}/logs.csv"
    ).exists()


def test_another_clinics_patient_is_a_404_and_nothing_is_exported(console):
    other = factories.PatientFactory()
    response = console.get(f"/clinic/patients/{other.pk}/logs.csv")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(patient=other, action="read").exists()


def test_signed_out_the_download_sends_to_sign_in(patient):
    response = Client().get(f"/clinic/patients/{patient.pk}/logs.csv")
    assert response.status_code == 302 and "/clinic/login/" in response["Location"]


def test_the_patient_list_downloads_the_same_adherence_csv_as_the_api(
    console, clinician_client, clinician, patient
):
    seed_record(patient)
    others = [factories.PatientFactory(clinic=clinician.clinic) for _ in range(2)]
    factories.PatientFactory()  # another clinic's: never exported
    page = console.get("/clinic/patients/").content.decode()
    assert 'action="/clinic/reports/adherence.csv"' in page
    assert '<label for="export-from">' in page and "Download adherence (CSV)" in page

    query = {"from": START.isoformat(), "to": TODAY.isoformat()}
    mine = body(console.get("/clinic/reports/adherence.csv", query))
    assert mine == body(clinician_client.get("/api/v1/reports/adherence.csv", query))
    # The form's empty fields mean the default range, as leaving the parameters out.
    assert body(console.get("/clinic/reports/adherence.csv", {"from": "", "to": ""})) == body(
        clinician_client.get("/api/v1/reports/adherence.csv")
    )
    audited = set(
        AuditEvent.objects.filter(
            actor=clinician.user, what__startswith="GET /clinic/reports/adherence.csv"
        ).values_list("patient_id", flat=True)
    )
    assert audited == {patient.pk, *(p.pk for p in others)}


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-11-26", "to": "2026-11-25"}, "Must not be after `to`."),
        ({"from": "2025-01-01"}, "At most 366 days per call."),
        ({"to": "x"}, "Use a date as YYYY-MM-DD."),
    ],
)
def test_a_bad_range_is_explained_on_a_page(console, patient, query, message):
    response = console.get("/clinic/reports/adherence.csv", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in html.unescape(response.content.decode())
