"""`manage.py send_reminders`: one pass now, or a dry run for any instant."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Delivery
from tests.notifications.conftest import make_patient

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_who_would_be_reminded_and_writes_nothing(push_outbox):
    due = make_patient("Europe/London", dt.time(7, 30))
    unsubscribed = make_patient(
        "Europe/London", dt.time(7, 0), email_unsubscribed_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    )
    later = make_patient("Europe/London", dt.time(9, 0))

    out = run("--dry-run", "--at", "2026-03-08T07:30:00Z")

    assert f"2026-03-08 email patient {due.pk} <{due.user.email}> [Europe/London]: send" in out
    assert f"2026-03-08 push  patient {due.pk}" in out
    assert (
        f"patient {unsubscribed.pk} <{unsubscribed.user.email}> [Europe/London]: skip (unsubscribed)"
        in out
    )
    assert f"2026-03-08 email patient {later.pk}" not in out
    # The day before had no pass at all: it would be closed as missed, never sent.
    assert (
        f"2026-03-07 email patient {later.pk} <{later.user.email}> [Europe/London]: skip (missed)"
        in out
    )
    assert out.splitlines()[-1] == (
        "dry run at 2026-03-08T07:30:00+00:00: 3 to send, 7 to skip; nothing written"
    )
    assert not Delivery.objects.exists()
    assert mail.outbox == [] and push_outbox == []


def test_real_run_sends_now_in_process(push_outbox):
    patient = make_patient("Asia/Kolkata", dt.time(7, 0))
    with time_machine.travel(dt.datetime(2026, 3, 10, 1, 30, tzinfo=dt.UTC), tick=False):
        out = run()
    assert f"2026-03-10 email patient {patient.pk} <{patient.user.email}>: sent" in out
    assert "sent 2" in out
    assert Delivery.objects.filter(local_date="2026-03-10", status="sent").count() == 2
    assert len(mail.outbox) == 1 and len(push_outbox) == 1


def test_at_without_dry_run_or_malformed_is_refused():
    with pytest.raises(CommandError):
        run("--at", "2026-03-08T07:30:00Z")
    with pytest.raises(CommandError):
        run("--dry-run", "--at", "yesterday")
    with pytest.raises(CommandError):
        run("--dry-run", "--at", "2026-03-08T07:30:00")
