import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.channels import local
from notifications.models import Delivery
from notifications.services.planning import reminders_plan
from notifications.services.sending import deliveries_send
from tests.factories import PatientFactory, ProgramFactory, ProgramItemFactory
from tests.notifications.factories import DeviceFactory

UTC = dt.UTC
START = dt.date(2026, 1, 1)
# Accounts in these tests exist well before the days they are about.
CREATED = dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def push_outbox():
    local.outbox.clear()
    yield local.outbox
    local.outbox.clear()


def at_local(tz: str, day: dt.date, hour: int, minute: int = 0, fold: int = 0) -> dt.datetime:
    """The UTC instant of a local wall time."""
    return dt.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(tz), fold=fold
    ).astimezone(UTC)


def make_patient(
    tz: str = "Europe/London",
    reminder: dt.time = dt.time(18, 0),
    *,
    device: bool = True,
    items: int = 1,
    **fields,
):
    """A patient with an active program scheduled every day (and a push device)."""
    with time_machine.travel(CREATED, tick=False):
        return _make_patient(tz, reminder, device=device, items=items, **fields)


def _make_patient(tz, reminder, *, device, items, **fields):
    patient = PatientFactory(timezone=tz, reminder_time=reminder, **fields)
    program = ProgramFactory(patient=patient, start_date=START)
    for _ in range(items):
        ProgramItemFactory(program=program, sets=2, reps=10)
    if device:
        DeviceFactory(patient=patient)
    return patient


def plan_at(instant: dt.datetime):
    with time_machine.travel(instant, tick=False):
        return reminders_plan(enqueue=None)


def run_at(instant: dt.datetime, *, tick: bool = False):
    """Plan and send, as the beat tick and the workers would at that instant.

    tick=True lets the clock run on from there (servers in threads need it).
    """
    with time_machine.travel(instant, tick=tick):
        plan = reminders_plan(enqueue=None)
        result = deliveries_send(delivery_ids=plan.to_send) if plan.to_send else None
    return plan, result


def rows(patient, **filters):
    return list(
        Delivery.objects.filter(patient=patient, **filters).order_by("local_date", "channel")
    )


def statuses(patient, day: dt.date) -> list[tuple[str, str, str, str]]:
    """The outbox of one local date (earlier days are closed as missed by the first pass)."""
    return [
        (str(r.local_date), r.channel, r.status, r.skip_reason)
        for r in rows(patient, local_date=day)
    ]
