"""Webhooks: signed per Standard Webhooks, sent after commit, retried, recorded."""

import datetime as dt
import json
import uuid
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from notifications import tasks
from notifications.webhooks.delivery import webhook_message_deliver
from notifications.webhooks.models import WebhookEndpoint, WebhookMessage
from patients.models import Clinician
from programs.services.programs import program_assign
from tests import factories
from tests.conftest import auth_client
from tests.notifications.webhook_receiver import Receiver, start_receiver

ALL_EVENTS = [
    "patient.activated",
    "program.assigned",
    "program.updated",
    "log.created",
    "alert.opened",
    "alert.resolved",
    "rtm.threshold_reached",
]


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    server = start_receiver(receiver)
    settings.WEBHOOK_TEST_RECEIVER_ORIGIN = receiver.origin
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def owner(clinic):
    return factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)


@pytest.fixture
def owner_client(owner):
    return auth_client(owner.user)


def register(client, url: str, events=None) -> dict:
    response = client.post("/api/v1/webhooks", {"url": url, "events": events or ALL_EVENTS})
    assert response.status_code == 201, response.json()
    return response.json()


def assign(patient, exercise=None):
    exercise = exercise or factories.ExerciseFactory()
    return program_assign(
        patient=patient,
        name="Core",
        start_date=timezone.localdate(),
        items=[{"exercise": exercise}],
    )


def emit_and_commit(patient, django_capture_on_commit_callbacks):
    """Assigns a program; returns the message ids handed to Celery after commit."""
    with (
        mock.patch.object(tasks.deliver_webhooks, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assign(patient)
    return [message_id for call in delay.call_args_list for message_id in call.args[0]]


def test_real_receiver_verifies_the_signature(
    owner_client, patient, receiver, django_capture_on_commit_callbacks
):
    created = register(owner_client, receiver.url)
    assert created["secret"].startswith("whsec_")
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    outcome = webhook_message_deliver(message_id=message_id)
    assert outcome.outcome == "delivered"
    (request,) = receiver.requests
    assert request.path == "/hooks/hep"
    payload = Webhook(created["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "program.assigned"
    program = patient.programs.get()
    assert payload["data"] == {
        "clinic_id": patient.clinic_id,
        "patient_id": patient.pk,
        "program_id": program.pk,
        "version": 1,
        "status": "active",
    }
    message = WebhookMessage.objects.get(pk=message_id)
    assert request.headers["webhook-id"] == message.msg_id
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
    tampered = request.body.replace(b'"version":1', b'"version":2')
    with pytest.raises(WebhookVerificationError):
        Webhook(created["secret"]).verify(tampered, request.headers)
    print(
        "\nreceiver transcript:",
        {k: v for k, v in request.headers.items() if k.startswith("webhook-")},
        request.body.decode(),
    )


def test_500_twice_then_200_is_received_once_with_one_webhook_id(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    receiver.script = [500, 500, 200]
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    start = timezone.now()
    outcomes = []
    with time_machine.travel(start, tick=True) as clock:
        for _ in range(5):
            outcomes.append(webhook_message_deliver(message_id=message_id).outcome)
            clock.shift(dt.timedelta(hours=1))
    assert outcomes == ["retry", "retry", "delivered", "skipped", "skipped"]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["program.assigned"] * 3
    accepted = [
        r for r, code in zip(receiver.requests, [500, 500, 200], strict=True) if code == 200
    ]
    assert len(accepted) == 1
    message = WebhookMessage.objects.get(pk=message_id)
    assert (message.status, message.attempts) == ("delivered", 3)
    tries = list(message.tries.order_by("number"))
    assert [(t.number, t.status_code, t.outcome) for t in tries] == [
        (1, 500, "retry"),
        (2, 500, "retry"),
        (3, 200, "delivered"),
    ]
    assert tries[2].response_excerpt == '{"ok": true}'
    assert all(t.latency_ms >= 0 for t in tries)


def test_backoff_doubles_and_a_retry_is_not_sent_before_it_is_due(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_BACKOFF_SECONDS = 30
    receiver.script = [503]
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = webhook_message_deliver(message_id=message_id)
        assert first.retry_at == timezone.now() + dt.timedelta(seconds=30)
        clock.shift(dt.timedelta(seconds=29))
        assert webhook_message_deliver(message_id=message_id).outcome == "skipped"
        clock.shift(dt.timedelta(seconds=1))
        second = webhook_message_deliver(message_id=message_id)
        assert second.retry_at == timezone.now() + dt.timedelta(seconds=60)
    assert len(receiver.requests) == 2


def test_retries_stop_after_a_day(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RETRY_BACKOFF_SECONDS = 3600
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 100
    receiver.script = [502]
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    outcomes = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        started = timezone.now()
        for _ in range(6):
            outcome = webhook_message_deliver(message_id=message_id)
            outcomes.append(outcome.outcome)
            if outcome.retry_at:
                clock.move_to(outcome.retry_at)
        elapsed = timezone.now() - started
    # Waits of 1 h, 2 h, 4 h and 8 h fit in the day; the next (16 h) would not.
    assert outcomes == ["retry", "retry", "retry", "retry", "failed", "skipped"]
    assert elapsed == dt.timedelta(hours=15)
    assert len(receiver.requests) == 5
    assert WebhookMessage.objects.get(pk=message_id).status == "failed"


@pytest.mark.parametrize(
    ("code", "retried"),
    [(400, False), (404, False), (410, False), (408, True), (429, True), (301, False)],
)
def test_4xx_stops_retries_but_408_and_429_retry(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, code, retried
):
    receiver.script = [code]
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    outcome = webhook_message_deliver(message_id=message_id)
    assert outcome.outcome == ("retry" if retried else "failed")
    message = WebhookMessage.objects.get(pk=message_id)
    assert message.status == ("pending" if retried else "failed")
    assert message.tries.get().status_code == code


def test_a_timeout_is_recorded_and_retried(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1.0
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    outcome = webhook_message_deliver(message_id=message_id)
    assert outcome.outcome == "retry"
    attempt = WebhookMessage.objects.get(pk=message_id).tries.get()
    assert (attempt.status_code, attempt.error) == (None, "timed out")
    assert attempt.latency_ms < 1000


def test_the_response_read_is_capped(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_RESPONSE_MAX_BYTES = 1024
    receiver.body = b"x" * 2_000_000
    register(owner_client, receiver.url)
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    assert webhook_message_deliver(message_id=message_id).outcome == "delivered"
    attempt = WebhookMessage.objects.get(pk=message_id).tries.get()
    assert attempt.response_excerpt == "x" * 500


def test_endpoint_disabled_after_the_failure_run_and_owner_emailed(
    owner, owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.script = [500]
    created = register(owner_client, receiver.url)
    ids = []
    for _ in range(4):
        ids += emit_and_commit(patient, django_capture_on_commit_callbacks)
    outcomes = [webhook_message_deliver(message_id=message_id).outcome for message_id in ids]
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert not endpoint.active
    assert endpoint.disabled_reason == "Disabled after 3 failed deliveries in a row."
    assert outcomes == ["retry", "retry", "retry", "failed"]  # the 4th finds it disabled
    assert len(receiver.requests) == 3
    (email,) = mail.outbox
    assert email.to == [owner.user.email]
    assert receiver.url in email.body
    # Nothing more is written for a disabled endpoint.
    assert emit_and_commit(patient, django_capture_on_commit_callbacks) == []
    # Switched back on, the failure run starts again and a replay goes out.
    receiver.script = [200]
    response = owner_client.patch(f"/api/v1/webhooks/{endpoint.pk}", {"active": True})
    assert response.json()["consecutive_failures"] == 0
    with (
        mock.patch.object(tasks.deliver_webhooks, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        replay = owner_client.post(f"/api/v1/webhooks/{endpoint.pk}/messages/{ids[3]}/replay")
    assert replay.status_code == 202
    delay.assert_called_once_with([ids[3]])
    assert webhook_message_deliver(message_id=ids[3]).outcome == "delivered"
    assert (
        receiver.requests[-1].headers["webhook-id"] == WebhookMessage.objects.get(pk=ids[3]).msg_id
    )


def test_a_success_ends_the_failure_run(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.script = [500, 500, 200, 500, 500]
    created = register(owner_client, receiver.url)
    ids = []
    for _ in range(5):
        ids += emit_and_commit(patient, django_capture_on_commit_callbacks)
    for message_id in ids:
        webhook_message_deliver(message_id=message_id)
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert (endpoint.active, endpoint.consecutive_failures) == (True, 2)


def test_nothing_is_handed_to_celery_before_commit(
    owner_client, patient, receiver, django_capture_on_commit_callbacks
):
    register(owner_client, receiver.url)
    with mock.patch.object(tasks.deliver_webhooks, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assign(patient)
            assert WebhookMessage.objects.count() == 1  # the outbox row, same transaction
        assert delay.call_count == 0
        for callback in callbacks:
            callback()
    delay.assert_called_once_with([WebhookMessage.objects.get().pk])


@pytest.mark.django_db(transaction=True)
def test_an_event_in_a_rolled_back_transaction_is_never_sent(receiver, settings):
    clinic = factories.ClinicFactory()
    owner = factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)
    patient = factories.PatientFactory(clinic=clinic)
    register(auth_client(owner.user), receiver.url)
    with mock.patch.object(tasks.deliver_webhooks, "delay") as delay:
        with pytest.raises(RuntimeError), transaction.atomic():
            assign(patient)
            assert WebhookMessage.objects.count() == 1
            raise RuntimeError("the change fails after the event")
        assert WebhookMessage.objects.count() == 0
        delay.assert_not_called()
        assign(patient)  # a committed change is handed over at once
        delay.assert_called_once()
    for message_id in delay.call_args.args[0]:
        webhook_message_deliver(message_id=message_id)
    (request,) = receiver.requests
    assert json.loads(request.body)["type"] == "program.assigned"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/x",
        "https://user:pw@hooks.example.com/x",
        "ftp://hooks.example.com/x",
    ],
)
def test_ssrf_targets_are_refused_at_registration(owner_client, url):
    response = owner_client.post("/api/v1/webhooks", {"url": url, "events": ["log.created"]})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_a_name_re_pointed_at_a_private_address_is_refused_before_delivery(
    owner_client, patient, monkeypatch, django_capture_on_commit_callbacks
):
    import socket

    answers = {"address": "93.184.216.34"}

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers["address"], port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    register(owner_client, "https://hooks.clinic-system.example/in")
    (message_id,) = emit_and_commit(patient, django_capture_on_commit_callbacks)
    answers["address"] = "10.0.0.7"
    with mock.patch("httpx.Client.stream") as stream:
        outcome = webhook_message_deliver(message_id=message_id)
    stream.assert_not_called()
    assert outcome.outcome == "failed"
    assert WebhookMessage.objects.get(pk=message_id).tries.get().error.startswith("refused")


def test_only_owners_manage_webhooks_and_only_their_clinics(
    clinician_client, owner_client, receiver
):
    assert clinician_client.get("/api/v1/webhooks").status_code == 403
    created = register(owner_client, receiver.url)
    other_owner = factories.ClinicianFactory(role=Clinician.Role.OWNER)
    other = auth_client(other_owner.user)
    assert other.get(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert other.patch(f"/api/v1/webhooks/{created['id']}", {"active": False}).status_code == 404
    assert other.get(f"/api/v1/webhooks/{created['id']}/messages").status_code == 404
    assert other.get("/api/v1/webhooks").json()["results"] == []
    listed = owner_client.get("/api/v1/webhooks").json()["results"]
    assert [row["id"] for row in listed] == [created["id"]]
    assert "secret" not in listed[0]


def test_events_reach_only_endpoints_that_asked_for_them(
    owner_client, patient, receiver, django_capture_on_commit_callbacks
):
    register(owner_client, receiver.url, events=["log.created"])
    assert emit_and_commit(patient, django_capture_on_commit_callbacks) == []


def test_log_upload_is_one_event_with_ids_and_rtm_tiers_fire_once(
    owner_client, patient, receiver, django_capture_on_commit_callbacks
):
    register(owner_client, receiver.url, events=["log.created", "rtm.threshold_reached"])
    program = factories.ProgramFactory(
        patient=patient, start_date=timezone.localdate() - dt.timedelta(days=40)
    )
    item = factories.ProgramItemFactory(program=program)
    patient.created_at = timezone.now() - dt.timedelta(days=5)
    patient.save(update_fields=["created_at"])
    client = auth_client(patient.user)
    today = timezone.localdate()

    def upload(days):
        logs = [
            {
                "id": str(uuid.uuid4()),
                "item": item.pk,
                "date": (today - dt.timedelta(days=d)).isoformat(),
                "completed": True,
                "performed_at": (timezone.now() - dt.timedelta(days=d)).isoformat(),
            }
            for d in days
        ]
        with django_capture_on_commit_callbacks(execute=False):
            response = client.post("/api/v1/me/logs", {"logs": logs}, format="json")
        assert response.status_code == 200, response.json()
        return logs

    sent = upload([0, 1, 2])
    messages = list(WebhookMessage.objects.order_by("id"))
    types = [m.event_type for m in messages]
    assert types == ["log.created", "rtm.threshold_reached"]
    assert messages[0].payload["data"]["log_ids"] == [log["id"] for log in sent]
    assert messages[0].payload["data"]["count"] == 3
    assert messages[1].payload["data"]["tier"] == "2-15"
    upload([0])  # same days: no new tier
    assert WebhookMessage.objects.filter(event_type="rtm.threshold_reached").count() == 1


def test_the_dispatch_sweep_hands_over_due_and_stale_messages(
    owner_client, patient, receiver, django_capture_on_commit_callbacks, settings
):
    register(owner_client, receiver.url)
    due, later, stale = (
        emit_and_commit(patient, django_capture_on_commit_callbacks)[0] for _ in range(3)
    )
    now = timezone.now()
    WebhookMessage.objects.filter(pk=later).update(next_attempt_at=now + dt.timedelta(hours=1))
    WebhookMessage.objects.filter(pk=stale).update(
        status="sending",
        claimed_at=now - dt.timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS + 1),
    )
    with mock.patch.object(tasks.deliver_webhooks, "delay") as delay:
        assert tasks.dispatch_due_webhooks() == 2
    assert sorted(delay.call_args.args[0]) == sorted([due, stale])


def test_activation_alerts_and_program_edits_emit_their_events(
    owner_client, clinician, patient, receiver, django_capture_on_commit_callbacks
):
    from patients.services.invites import activation_code_issue, activation_code_redeem
    from programs.services.alerts import alert_resolve, alerts_raise_high_pain
    from programs.services.programs import program_pause

    register(owner_client, receiver.url)
    with (
        mock.patch.object(tasks.deliver_webhooks, "delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        patient.user.set_unusable_password()  # invited, not yet activated
        patient.user.save(update_fields=["password"])
        code = activation_code_issue(patient=patient)
        activation_code_redeem(code=code, password="a long enough passphrase 42")
        program = assign(patient)
        program_pause(program=program)
        log = factories.ExerciseLogFactory(item=program.items.get(), pain=8)
        alerts_raise_high_pain(logs=[log], clinic_id=patient.clinic_id)
        alert_resolve(alert=patient.alerts.get(), by=clinician.user)
    events = [(m.event_type, m.payload["data"]) for m in WebhookMessage.objects.order_by("id")]
    alert = patient.alerts.get()
    assert events == [
        ("patient.activated", {"clinic_id": patient.clinic_id, "patient_id": patient.pk}),
        (
            "program.assigned",
            {
                "clinic_id": patient.clinic_id,
                "patient_id": patient.pk,
                "program_id": program.pk,
                "version": 1,
                "status": "active",
            },
        ),
        (
            "program.updated",
            {
                "clinic_id": patient.clinic_id,
                "patient_id": patient.pk,
                "program_id": program.pk,
                "version": 1,
                "status": "paused",
                "change": "paused",
            },
        ),
        (
            "alert.opened",
            {
                "clinic_id": patient.clinic_id,
                "alert_id": alert.pk,
                "patient_id": patient.pk,
                "kind": "high_pain",
            },
        ),
        (
            "alert.resolved",
            {
                "clinic_id": patient.clinic_id,
                "alert_id": alert.pk,
                "patient_id": patient.pk,
                "kind": "high_pain",
            },
        ),
    ]


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_delivers_after_commit(receiver, settings):
    import time

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    clinic = factories.ClinicFactory()
    owner = factories.ClinicianFactory(clinic=clinic, role=Clinician.Role.OWNER)
    patient = factories.PatientFactory(clinic=clinic)
    created = register(auth_client(owner.user), receiver.url)
    queue = f"test-webhooks-{uuid.uuid4().hex[:8]}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="threads", concurrency=1, perform_ping_check=False, queues=[queue]
        ):
            assign(patient)
            deadline = time.monotonic() + 30
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.3)
    finally:
        app.conf.task_default_queue = default_queue
    (request,) = receiver.requests
    assert (
        Webhook(created["secret"]).verify(request.body, request.headers)["type"]
        == "program.assigned"
    )
    assert WebhookMessage.objects.get().status == "delivered"
