"""Planning is set-based: the query count does not grow with the number of patients."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Delivery
from notifications.services.planning import reminders_plan
from tests.factories import ExerciseLogFactory
from tests.notifications.conftest import make_patient

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
ZONES = ["Europe/London", "UTC", "Africa/Abidjan"]  # all at 18:00 local now


def seed(per_zone: int) -> None:
    for tz in ZONES:
        for i in range(per_zone):
            patient = make_patient(tz, dt.time(18, 0), device=i % 2 == 0)
            if i % 5 == 4:
                ExerciseLogFactory(item=patient.programs.get().items.get(), date=NOW.date())


def plan_queries() -> int:
    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        reminders_plan(enqueue=None)
    return len(queries)


def test_planning_query_count_is_the_same_for_1x_and_50x_patients():
    seed(1)
    small = plan_queries()
    assert Delivery.objects.filter(local_date=NOW.date()).count() == 2 * len(ZONES)
    Delivery.objects.all().delete()

    seed(49)
    large = plan_queries()
    assert Delivery.objects.filter(local_date=NOW.date()).count() == 2 * 50 * len(ZONES)
    assert small == large
    assert large <= 12
