"""GET/PUT /api/v1/me/email-subscription: an email unsubscribe undone in the app."""

import pytest
from django.utils import timezone

from patients.models import Patient

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/email-subscription"


def test_a_subscribed_patient_reads_so(patient_client):
    assert patient_client.get(URL).json() == {
        "subscribed": True,
        "unsubscribed_at": None,
        "bounced": False,
    }


def test_an_unsubscribe_is_undone_and_reminder_emails_may_go_again(patient_client, patient):
    Patient.objects.filter(pk=patient.pk).update(email_unsubscribed_at=timezone.now())
    assert patient_client.get(URL).json()["subscribed"] is False

    response = patient_client.put(URL, {"subscribed": True}, format="json")
    assert response.status_code == 200
    assert response.json()["subscribed"] is True
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is None and patient.email_reachable


def test_unsubscribing_from_the_app_matches_the_link(patient_client, patient):
    response = patient_client.put(URL, {"subscribed": False}, format="json")
    assert response.status_code == 200
    assert response.json()["subscribed"] is False and response.json()["unsubscribed_at"]
    patient.refresh_from_db()
    assert patient.email_unsubscribed_at is not None


def test_a_bounced_address_stays_bounced(patient_client, patient):
    Patient.objects.filter(pk=patient.pk).update(email_bounced_at=timezone.now())
    body = patient_client.put(URL, {"subscribed": True}, format="json").json()
    assert body["bounced"] is True
    patient.refresh_from_db()
    assert patient.email_bounced_at is not None


@pytest.mark.parametrize("body", [{}, {"subscribed": "maybe"}, []])
def test_bad_input_is_a_field_error(patient_client, body):
    response = patient_client.put(URL, body, format="json")
    assert response.status_code == 400


def test_only_the_signed_in_patient(api_client, clinician_client):
    assert api_client.get(URL).status_code == 401
    assert clinician_client.get(URL).status_code == 403
    assert clinician_client.put(URL, {"subscribed": True}, format="json").status_code == 403
