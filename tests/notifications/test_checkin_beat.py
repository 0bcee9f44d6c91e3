"""The reminders' beat tick plans check-ins too, at the same local moment."""

import datetime as dt

import pytest
import time_machine

from notifications.tasks import plan_reminders
from programs.outcomes.models import CheckIn
from tests.notifications.conftest import at_local, make_patient

pytestmark = pytest.mark.django_db


def test_the_reminder_tick_writes_due_checkins_beside_the_reminders():
    patient = make_patient("America/Los_Angeles", dt.time(7, 30))
    start = patient.programs.get().start_date
    day = start + dt.timedelta(days=14)  # two weeks in: NPRS and PSFS both due
    with time_machine.travel(at_local("America/Los_Angeles", day, 7, 30), tick=False):
        counts = plan_reminders.apply().get()
    assert counts["checkin_nprs"] == 1 and counts["checkin_psfs"] == 1
    assert sorted(CheckIn.objects.filter(patient=patient).values_list("measure", "due_date")) == [
        ("nprs", day),
        ("psfs", day),
    ]
    assert patient.deliveries.filter(local_date=day).exists()
