"""Check-ins fall due like reminders: on their local due date, once the patient's
local time reaches their reminder time. Planned by the reminders' beat tick.

One pass, whatever the number of patients:
1. the zones in use, each with its local date and time (patients.timezones);
2. per local date in use and per measure, one SELECT of the programs whose check-in
   is due now and not yet written (the due-date rule below, in SQL);
3. one bulk INSERT that ignores conflicts: the unique (patient, measure, due_date)
   row makes concurrent passes, retries and a second beat harmless.
Only the new rows pass through Python (to work out each one's due instant).

A program's check-in of a measure is due on local date D when the program is
active on D (between its start and end dates, not paused on D; a GROC also on the
last day of a program completed that day) and
- NPRS: D is its start date or a whole number of weeks after it;
- PSFS: D is its start date or a whole number of fortnights after it;
- GROC: D is its end date.
The time rules are the reminders': due once local time >= reminder time; a time in
the spring gap is due at the gap's end, a time that occurs twice at its first.
Quiet hours do not delay a check-in (nothing is sent). Like reminders, a day that
passed during downtime is not planned late.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Mod
from django.utils import timezone

from patients.models import Patient
from patients.timezones import ZoneClock, first_instant_at, zone_clock
from programs.models import Program
from programs.outcomes.measures import EVERY_DAYS, Measure
from programs.outcomes.models import CheckIn
from programs.scheduling import not_paused_on


class DaysSinceStart(Func):
    """Whole days from the program's start date to a fixed date (an integer)."""

    output_field = IntegerField()

    def __init__(self, day: dt.date):
        super().__init__(Value(day), F("start_date"))

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: date - date is an integer number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def _active_on_q(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def due_programs(measure: str, day: dt.date) -> QuerySet[Program]:
    """Programs whose check-in of `measure` falls due on local date `day`."""
    programs = Program.objects.order_by().filter(
        _active_on_q(day), not_paused_on(day, program_ref="pk")
    )
    every = EVERY_DAYS[measure]
    if every is None:
        return programs.filter(
            Q(status=Program.Status.ACTIVE) | Q(status=Program.Status.COMPLETED), end_date=day
        )
    return (
        programs.filter(status=Program.Status.ACTIVE)
        .alias(cycle=Mod(DaysSinceStart(day), Value(every)))
        .filter(cycle=0)
    )


def _due_patients_q(clocks: list[ZoneClock]) -> Q:
    due = Q()
    for clock in clocks:
        due |= Q(patient__timezone=clock.name, patient__reminder_time__lte=clock.time)
    return due


def _new_rows(measure: str, day: dt.date, clocks: list[ZoneClock]) -> list[CheckIn]:
    existing = CheckIn.objects.filter(patient=OuterRef("patient"), measure=measure, due_date=day)
    rows = (
        due_programs(measure, day)
        .filter(_due_patients_q(clocks), patient__user__is_active=True)
        .filter(~Exists(existing))
        .order_by("patient_id", "start_date", "pk")
        .values_list("pk", "patient_id", "patient__timezone", "patient__reminder_time")
    )
    checkins, seen = [], set()
    for program_id, patient_id, tz_name, reminder_time in rows:
        if patient_id in seen:  # two programs due the same day: one check-in, the first's
            continue
        seen.add(patient_id)
        checkins.append(
            CheckIn(
                patient_id=patient_id,
                program_id=program_id,
                measure=measure,
                due_date=day,
                due_at=first_instant_at(day, reminder_time, tz_name),
            )
        )
    return checkins


def checkins_plan(*, now: dt.datetime | None = None) -> Counter:
    """Write every check-in due at `now`; answers {measure: rows offered} (a row
    another pass wrote first is ignored by the database)."""
    now = now or timezone.now()
    names = Patient.objects.order_by().values_list("timezone", flat=True).distinct()
    by_date: dict[dt.date, list[ZoneClock]] = defaultdict(list)
    for name in names:
        clock = zone_clock(name, now)
        by_date[clock.date].append(clock)
    written: Counter = Counter()
    for day, clocks in sorted(by_date.items()):
        for measure in Measure.values:
            rows = _new_rows(measure, day, clocks)
            if rows:
                created = CheckIn.objects.bulk_create(rows, ignore_conflicts=True)
                written[measure] += len(created)
    return written
