"""Each outbox row is sent at most once, whatever retries and races happen."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core import mail

from notifications.channels import DeliveryError
from notifications.channels.local import LocmemChannel
from notifications.channels.mail import EmailChannel
from notifications.models import Delivery
from notifications.services.sending import deliveries_claim, deliveries_send
from notifications.tasks import send_deliveries
from tests.notifications.conftest import at_local, make_patient, plan_at

pytestmark = pytest.mark.django_db

TZ = "Europe/London"
DAY = dt.date(2026, 3, 10)
DUE = at_local(TZ, DAY, 18, 0)


def planned(n=1, **fields):
    patients = [make_patient(TZ, **fields) for _ in range(n)]
    plan = plan_at(DUE)
    return patients, plan.pending_ids


def test_two_senders_on_the_same_chunk_send_once(push_outbox):
    _, ids = planned(3)
    with time_machine.travel(DUE, tick=False):
        first = deliveries_send(delivery_ids=ids)
        second = deliveries_send(delivery_ids=ids)
    assert len(first.sent) == 6 and second.sent == []
    assert len(mail.outbox) == 3 and len(push_outbox) == 3
    assert set(Delivery.objects.filter(local_date=DAY).values_list("status", flat=True)) == {"sent"}


def test_a_claimed_row_is_left_alone_by_another_sender():
    _, ids = planned(1)
    with time_machine.travel(DUE, tick=False):
        assert deliveries_claim(ids=ids, now=DUE) == sorted(ids)
        # A second task for the same chunk while the first is still sending.
        assert deliveries_send(delivery_ids=ids).sent == []
    assert mail.outbox == []
    assert set(Delivery.objects.filter(local_date=DAY).values_list("status", flat=True)) == {
        "sending"
    }


def test_row_stuck_in_sending_after_a_worker_died_is_recovered_and_sent_once(push_outbox):
    _, ids = planned(1)
    deliveries_claim(ids=ids, now=DUE)  # the worker died right after claiming
    with time_machine.travel(DUE + dt.timedelta(minutes=5), tick=False):
        assert deliveries_send(delivery_ids=ids).sent == []  # claim still fresh
    later = DUE + dt.timedelta(minutes=11)
    plan = plan_at(later)
    assert sorted(plan.recovered_ids) == sorted(ids)
    with time_machine.travel(later, tick=False):
        assert sorted(deliveries_send(delivery_ids=plan.recovered_ids).sent) == sorted(ids)
        # The broker redelivers the dead worker's task too: nothing happens twice.
        assert deliveries_send(delivery_ids=ids).sent == []
    assert len(mail.outbox) == 1 and len(push_outbox) == 1
    assert list(Delivery.objects.filter(local_date=DAY).values_list("attempts", flat=True)) == [
        2,
        2,
    ]


def test_task_retried_after_transient_error_sends_once_with_two_attempts():
    _, ids = planned(1, device=False, remind_by_push=False)
    real_send = EmailChannel.send
    calls = []

    def flaky(self, message, recipient):
        calls.append(recipient.address)
        if len(calls) == 1:
            raise DeliveryError("SMTP 451: try again later", permanent=False)
        return real_send(self, message, recipient)

    with time_machine.travel(DUE, tick=False), mock.patch.object(EmailChannel, "send", flaky):
        send_deliveries.apply(args=(ids,))
    row = Delivery.objects.get(pk=ids[0])
    assert (row.status, row.attempts) == ("sent", 2)
    assert "451" in row.last_error
    assert row.provider_message_id and row.finished_at
    assert len(mail.outbox) == 1 and len(calls) == 2


def test_transient_errors_stop_at_the_attempt_cap(settings):
    settings.REMINDER_MAX_ATTEMPTS = 3
    _, ids = planned(1, device=False, remind_by_push=False)
    error = DeliveryError("connection reset", permanent=False)
    with (
        time_machine.travel(DUE, tick=False),
        mock.patch.object(EmailChannel, "send", side_effect=error) as send,
    ):
        send_deliveries.apply(args=(ids,))
    row = Delivery.objects.get(pk=ids[0])
    assert (row.status, row.attempts, send.call_count) == ("failed", 3, 3)
    assert "gave up after 3 attempts" in row.last_error
    assert mail.outbox == []


def test_permanent_email_error_fails_and_marks_the_address_bounced():
    (patient,), ids = planned(1, device=False, remind_by_push=False)
    error = DeliveryError("SMTP 550: no such user", permanent=True)
    with (
        time_machine.travel(DUE, tick=False),
        mock.patch.object(EmailChannel, "send", side_effect=error),
    ):
        result = deliveries_send(delivery_ids=ids)
    assert result.failed == ids and result.retry == []
    patient.refresh_from_db()
    assert patient.email_bounced_at is not None
    tomorrow = plan_at(at_local(TZ, DAY + dt.timedelta(days=1), 18, 0))
    row = Delivery.objects.get(pk__in=tomorrow.row_ids, channel="email")
    assert (row.status, row.skip_reason) == ("skipped", "unsubscribed")


def test_permanent_push_error_fails_and_deactivates_the_device(push_outbox):
    (patient,), ids = planned(1, remind_by_email=False)
    error = DeliveryError("token unregistered", permanent=True)
    with (
        time_machine.travel(DUE, tick=False),
        mock.patch.object(LocmemChannel, "send", side_effect=error),
    ):
        deliveries_send(delivery_ids=ids)
    row = Delivery.objects.get(pk=ids[0])
    assert (row.status, row.attempts) == ("failed", 1)
    device = patient.devices.get()
    assert not device.active and "unregistered" in device.deactivated_reason
    tomorrow = plan_at(at_local(TZ, DAY + dt.timedelta(days=1), 18, 0))
    row = Delivery.objects.get(pk__in=tomorrow.row_ids)
    assert (row.status, row.skip_reason) == ("skipped", "no_device")


def test_turned_off_between_planning_and_sending_is_skipped_disabled():
    (patient,), ids = planned(1)
    patient.reminders_enabled = False
    patient.save()
    with time_machine.travel(DUE, tick=False):
        result = deliveries_send(delivery_ids=ids)
    assert len(result.skipped) == 2
    assert set(Delivery.objects.filter(pk__in=ids).values_list("skip_reason", flat=True)) == {
        "disabled"
    }
    assert mail.outbox == []


def test_planning_enqueues_chunks_after_commit(settings, django_capture_on_commit_callbacks):
    settings.REMINDER_SEND_CHUNK = 4
    for _ in range(5):
        make_patient(TZ)
    from notifications.services.planning import reminders_plan

    with mock.patch.object(send_deliveries, "apply_async") as delay:
        with (
            time_machine.travel(DUE, tick=False),
            django_capture_on_commit_callbacks(execute=False) as callbacks,
        ):
            plan = reminders_plan()
        assert delay.call_count == 0  # nothing leaves before the rows are committed
        for callback in callbacks:
            callback()
    chunks = [call.kwargs["args"][0] for call in delay.call_args_list]
    assert [len(c) for c in chunks] == [4, 4, 2]
    assert sorted(i for c in chunks for i in c) == sorted(plan.pending_ids)
