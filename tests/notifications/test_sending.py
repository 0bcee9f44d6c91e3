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
from notifications.services import sending
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


def mixed_chunk(per_kind: int):
    """`per_kind` rows of each fate: sent, transient error, dead device, bounced address,
    and done between planning and sending. Answers the ids, each fate's tokens/addresses."""
    from tests.factories import ExerciseLogFactory

    fates = ("sent", "transient", "dead_device", "bounced", "completed")
    patients = {fate: [] for fate in fates}
    for _ in range(per_kind):
        for fate in fates:
            if fate == "bounced":
                patient = make_patient(TZ, device=False, remind_by_push=False)
            else:
                patient = make_patient(TZ, remind_by_email=False)
            patients[fate].append(patient)
    ids = plan_at(DUE).pending_ids
    assert len(ids) == per_kind * len(fates)
    for patient in patients["completed"]:
        item = patient.programs.get().items.get()
        for _ in range(item.times_per_day):
            ExerciseLogFactory(item=item, date=DAY)
    return ids, patients


def provider_answers(patients):
    """Provider stand-ins that answer by recipient, safe to call from several threads."""
    transient = {p.devices.get().token for p in patients["transient"]}
    dead = {p.devices.get().token for p in patients["dead_device"]}
    real_push = LocmemChannel.send

    def push(self, message, recipient):
        if recipient.address in transient:
            raise DeliveryError("FCM: UNAVAILABLE", permanent=False)
        if recipient.address in dead:
            raise DeliveryError("FCM: token unregistered", permanent=True)
        return real_push(self, message, recipient)

    def email(self, message, recipient):
        raise DeliveryError("SMTP 550: no such user", permanent=True)

    return (
        mock.patch.object(LocmemChannel, "send", push),
        mock.patch.object(EmailChannel, "send", email),
    )


def send_mixed_chunk(per_kind: int, push_outbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids, patients = mixed_chunk(per_kind)
    push_patch, email_patch = provider_answers(patients)
    before_first_call = []
    real_call = sending._call

    def call(provider_call):
        if not before_first_call:
            before_first_call.append(len(queries))
        return real_call(provider_call)

    with (
        mock.patch.object(sending, "_call", call),
        time_machine.travel(DUE, tick=False),
        push_patch,
        email_patch,
        CaptureQueriesContext(connection) as queries,
    ):
        result = deliveries_send(delivery_ids=ids)

    def row_of(patient):
        return Delivery.objects.get(patient=patient, local_date=DAY)

    for patient in patients["sent"]:
        row = row_of(patient)
        assert (row.status, row.attempts) == ("sent", 1)
        assert row.provider_message_id.startswith("locmem-") and row.finished_at
    for patient in patients["transient"]:
        row = row_of(patient)
        assert (row.status, row.attempts, row.finished_at) == ("pending", 1, None)
        assert "UNAVAILABLE" in row.last_error
        assert patient.devices.get().active
    for patient in patients["dead_device"]:
        row = row_of(patient)
        assert row.status == "failed" and "unregistered" in row.last_error
        device = patient.devices.get()
        assert not device.active and "unregistered" in device.deactivated_reason
    for patient in patients["bounced"]:
        row = row_of(patient)
        assert row.status == "failed" and "550" in row.last_error
        patient.refresh_from_db()
        assert patient.email_bounced_at is not None
    for patient in patients["completed"]:
        row = row_of(patient)
        assert (row.status, row.skip_reason) == ("skipped", "completed")
    assert len(result.sent) == len(result.retry) == len(result.skipped) == per_kind
    assert len(result.failed) == 2 * per_kind
    assert sorted(p.recipient.address for p in push_outbox) == sorted(
        p.devices.get().token for p in patients["sent"]
    )
    return before_first_call[0], len(queries) - before_first_call[0]


def test_mixed_chunk_prepares_in_fixed_queries_and_writes_each_answer_as_it_comes(
    push_outbox, settings
):
    """Claim, load and the settled rows cost the same at 10 and 200 rows; after that
    each provider answer costs at most its status, device and address writes."""
    settings.REMINDER_SEND_CONCURRENCY = 8
    from patients.models import Patient

    small_setup, _ = send_mixed_chunk(2, push_outbox)
    Patient.objects.update(reminders_enabled=False)  # the first chunk's patients are done
    Delivery.objects.all().delete()
    push_outbox.clear()
    large_setup, large_writes = send_mixed_chunk(40, push_outbox)
    assert small_setup == large_setup
    assert large_setup <= 8
    answered_rows = 4 * 40  # sent, transient, dead device, bounced; `completed` never called
    assert large_writes <= 3 * answered_rows


def test_sends_of_a_chunk_overlap_and_each_row_is_sent_once(push_outbox, settings):
    import threading
    import time

    settings.REMINDER_SEND_CONCURRENCY = 4
    patients, ids = planned(12, remind_by_email=False)
    in_flight, peak, lock = [0], [0], threading.Lock()
    real_send = LocmemChannel.send

    def slow(self, message, recipient):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        return real_send(self, message, recipient)

    with time_machine.travel(DUE, tick=False), mock.patch.object(LocmemChannel, "send", slow):
        result = deliveries_send(delivery_ids=ids)
    assert peak[0] == 4
    assert sorted(result.sent) == sorted(ids)
    assert sorted(p.recipient.address for p in push_outbox) == sorted(
        p.devices.get().token for p in patients
    )
    rows = Delivery.objects.filter(pk__in=ids)
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert len({r.provider_message_id for r in rows}) == 12


def test_task_retries_only_the_rows_that_hit_a_transient_error(push_outbox):
    patients, ids = planned(3, remind_by_email=False)
    flaky_token = patients[1].devices.get().token
    real_send = LocmemChannel.send
    calls = []

    def flaky(self, message, recipient):
        calls.append(recipient.address)
        if recipient.address == flaky_token and calls.count(flaky_token) == 1:
            raise DeliveryError("FCM: UNAVAILABLE", permanent=False)
        return real_send(self, message, recipient)

    with (
        time_machine.travel(DUE, tick=False),
        mock.patch.object(LocmemChannel, "send", flaky),
        mock.patch.object(send_deliveries, "retry", wraps=send_deliveries.retry) as retry,
    ):
        send_deliveries.apply(args=(ids,))
    flaky_row = Delivery.objects.get(patient=patients[1], local_date=DAY)
    assert retry.call_args.kwargs["args"] == ([flaky_row.pk],)
    assert retry.call_args.kwargs["countdown"] == 30
    assert sorted(calls) == sorted([p.devices.get().token for p in patients] + [flaky_token])
    rows = Delivery.objects.filter(pk__in=ids)
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.attempts for r in rows) == [1, 1, 2]
    assert len(push_outbox) == 3
