"""The SQL form of the scheduling rule (the /me/today statement) agrees with
item_scheduled_on, the Python predicate, and with the done counts by line."""

import datetime as dt
import itertools

from programs.models import EVERY_DAY, ExerciseLog, Program, ProgramPause, days_to_mask
from programs.scheduling import item_scheduled_on
from programs.selectors.patient_day import patient_routine
from tests import factories

D = dt.date(2026, 11, 25)  # a Wednesday


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def seed_grid(patient):
    """Programs of every status and shape of dates, each with pauses of every kind
    and items of every weekday mask and validity."""
    exercise = factories.ExerciseFactory()
    programs = []
    for status, start, end, pauses in [
        (Program.Status.ACTIVE, D - days(10), None, []),
        (Program.Status.ACTIVE, D - days(10), D + days(3), [(D - days(4), D - days(1))]),
        (Program.Status.ACTIVE, D + days(2), D + days(9), [(D + days(5), D + days(6))]),
        (Program.Status.PAUSED, D - days(10), None, [(D - days(8), D - days(6)), (D - days(1), None)]),
        (Program.Status.PAUSED, D - days(3), None, [(D + days(1), None)]),
        (Program.Status.COMPLETED, D - days(10), D, [(D - days(5), D - days(5))]),
        (Program.Status.COMPLETED, D - days(10), D - days(2), []),
    ]:  # fmt: skip
        program = factories.ProgramFactory(
            patient=patient, status=status, start_date=start, end_date=end
        )
        for pause_start, pause_end in pauses:
            ProgramPause.objects.create(program=program, start=pause_start, end=pause_end)
        masks = [EVERY_DAY, days_to_mask([3]), days_to_mask([1, 2, 3, 4, 5]), days_to_mask([6, 7])]
        validities = [(start, None), (D - days(2), None), (start, max(start, D + days(1))), (D, D)]
        for order, (mask, (valid_from, valid_until)) in enumerate(
            itertools.product(masks, validities), start=1
        ):
            item = factories.ProgramItemFactory(
                program=program,
                exercise=exercise,
                order=order,
                days_mask=mask,
                valid_from=valid_from,
                valid_until=valid_until,
                times_per_day=1 + order % 2,
            )
            # Logs on some lines and dates: counted by line, completed only.
            for offset in range(-3, 3):
                if (order + offset) % 3 == 0:
                    factories.ExerciseLogFactory(item=item, date=D + days(offset))
                if (order + offset) % 4 == 0:
                    factories.ExerciseLogFactory(item=item, date=D + days(offset), completed=False)
        programs.append(program)
    return programs


def test_the_sql_rule_agrees_with_the_python_predicate(db):
    patient = factories.PatientFactory()
    seed_grid(patient)
    factories.ProgramItemFactory(program__start_date=D - days(10))  # another patient's
    programs = list(Program.objects.filter(patient=patient).prefetch_related("items", "pauses"))
    logs = list(ExerciseLog.objects.filter(completed=True).select_related("item"))
    checked = 0
    for today in (D - days(3), D, D + days(3)):
        for day in (D + days(offset) for offset in range(-12, 12)):
            expected = []
            for program in programs:
                pauses = list(program.pauses.all())
                for item in sorted(program.items.all(), key=lambda i: (i.order, i.pk)):
                    if item_scheduled_on(item, program, pauses, day, today):
                        done = sum(
                            1
                            for log in logs
                            if log.item.key == item.key
                            and log.item.program_id == program.pk
                            and log.date == day
                        )
                        expected.append((program.pk, item.pk, done))
            body = patient_routine(patient=patient, day=day, today=today)
            got = [
                (program["id"], item["id"], item["done_count"])
                for program in body["programs"]
                for item in program["items"]
            ]
            assert got == expected, (day, today)
            checked += len(got)
    assert checked > 100  # the grid really schedules things
