"""POST/GET /api/v1/me/devices and DELETE /api/v1/me/devices/{id}."""

import pytest

from notifications.models import Device
from tests.conftest import auth_client
from tests.factories import PatientFactory
from tests.notifications.factories import DeviceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]

URL = "/api/v1/me/devices"
FCM = {"platform": "fcm", "token": "fcm-token-0123456789abcdef", "name": "Pixel 8"}
WEBPUSH = {
    "platform": "webpush",
    "token": "https://fcm.googleapis.com/fcm/send/abc123",
    "keys": {
        "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg",
    },
}


def test_register_creates_then_updates_by_token(patient_client, patient):
    created = patient_client.post(URL, FCM, format="json")
    assert created.status_code == 201
    assert created.json()["platform"] == "fcm" and created.json()["active"] is True

    again = patient_client.post(URL, {**FCM, "name": "Renamed"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    assert Device.objects.get().name == "Renamed"
    assert patient_client.get(URL).json()["results"][0]["id"] == created.json()["id"]


def test_a_deactivated_token_registered_again_is_active_again(patient_client, patient):
    device = DeviceFactory(
        patient=patient, token=FCM["token"], active=False, deactivated_reason="x"
    )
    response = patient_client.post(URL, FCM, format="json")
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.active and device.deactivated_reason == ""


def test_token_moving_to_another_patient_is_replaced_and_answered_as_new(patient_client, patient):
    other = PatientFactory(clinic=patient.clinic)
    theirs = DeviceFactory(patient=other, token=FCM["token"], name="Their phone")
    response = patient_client.post(URL, FCM, format="json")
    fresh = patient_client.post(URL, {**FCM, "token": "fcm-token-never-seen-before"}, format="json")
    assert response.status_code == fresh.status_code == 201  # nothing tells them apart
    assert set(response.json()) == set(fresh.json())
    device = Device.objects.get(token=FCM["token"])
    assert device.patient == patient and device.name == "Pixel 8"
    assert device.pk != theirs.pk
    assert auth_client(other.user).get(URL).json()["results"] == []


def test_webpush_needs_keys_and_an_https_endpoint(patient_client):
    assert patient_client.post(URL, WEBPUSH, format="json").status_code == 201
    no_keys = patient_client.post(URL, {**WEBPUSH, "keys": None}, format="json")
    assert no_keys.status_code == 400
    missing = patient_client.post(
        URL, {"platform": "webpush", "token": WEBPUSH["token"] + "x"}, format="json"
    )
    assert missing.status_code == 400 and "keys" in missing.json()["errors"]
    plain = patient_client.post(
        URL, {**WEBPUSH, "token": "http://insecure.example/x"}, format="json"
    )
    assert plain.status_code == 400 and "token" in plain.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"platform": "sms", "token": "0123456789"},
        {"platform": "fcm"},
        {"platform": "fcm", "token": "short"},
        {"platform": "fcm", "token": "x" * 5000},
        {"platform": "apns", "token": "not-hex-at-all-zzzz"},
        {"platform": "fcm", "token": "fcm-token-0123456789", "keys": {"p256dh": "a", "auth": "b"}},
        ["not", "an", "object"],
    ],
)
def test_invalid_registrations_answer_400_problem_details(patient_client, body):
    response = patient_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 400
    assert not Device.objects.exists()


def test_delete_own_device_204_and_another_patients_404(patient_client, patient):
    mine = DeviceFactory(patient=patient)
    theirs = DeviceFactory(patient=PatientFactory(clinic=patient.clinic))
    assert patient_client.delete(f"{URL}/{theirs.pk}").status_code == 404
    assert Device.objects.filter(pk=theirs.pk).exists()
    assert patient_client.delete(f"{URL}/{mine.pk}").status_code == 204
    assert patient_client.delete(f"{URL}/{mine.pk}").status_code == 404
    assert not Device.objects.filter(pk=mine.pk).exists()


def test_without_token_401_and_with_clinician_token_403(api_client, clinician_client):
    assert api_client.post(URL, FCM, format="json").status_code == 401
    assert api_client.get(URL).status_code == 401
    assert clinician_client.post(URL, FCM, format="json").status_code == 403
    assert clinician_client.delete(f"{URL}/1").status_code == 403
    assert not Device.objects.exists()


def test_devices_are_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/me/devices"])
    assert "delete" in schema["paths"]["/api/v1/me/devices/{id}"]
