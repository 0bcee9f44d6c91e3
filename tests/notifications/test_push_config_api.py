"""GET /api/v1/me/push-config: the VAPID public key the companion app subscribes with."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/push-config"
PUBLIC_KEY = (
    "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"
)


@pytest.fixture
def webpush_ready(settings):
    settings.VAPID_PUBLIC_KEY = PUBLIC_KEY
    settings.VAPID_PRIVATE_KEY = "private-key-for-tests"
    settings.VAPID_CLAIMS_SUBJECT = "mailto:ops@hep.example"
    settings.REMINDER_CHANNELS = ["email", "webpush"]
    return settings


def test_a_patient_reads_the_public_key_when_web_push_is_configured(patient_client, webpush_ready):
    response = patient_client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"webpush": {"vapid_public_key": PUBLIC_KEY}}


@pytest.mark.parametrize(
    "change",
    [
        {"VAPID_PUBLIC_KEY": ""},
        {"VAPID_PRIVATE_KEY": ""},
        {"VAPID_CLAIMS_SUBJECT": ""},
        {"REMINDER_CHANNELS": ["email"]},
    ],
)
def test_web_push_is_null_when_the_server_cannot_send_it(patient_client, webpush_ready, change):
    for name, value in change.items():
        setattr(webpush_ready, name, value)
    assert patient_client.get(URL).json() == {"webpush": None}


def test_only_a_signed_in_patient_may_ask(api_client, clinician_client, webpush_ready):
    assert api_client.get(URL).status_code == 401
    assert clinician_client.get(URL).status_code == 403


def test_it_is_read_only(patient_client, webpush_ready):
    assert patient_client.post(URL, {}, format="json").status_code == 405
