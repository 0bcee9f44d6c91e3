"""Writes: answering a check-in."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from patients.timezones import local_today
from programs.outcomes.measures import OPEN_DAYS, Measure, answers_clean
from programs.outcomes.models import CheckIn


class CheckInClosed(Exception):
    """Answered already, or past the days it stays open."""


def checkin_closes_on(checkin: CheckIn) -> dt.date:
    """The first local date the check-in can no longer be answered."""
    return checkin.due_date + dt.timedelta(days=OPEN_DAYS[checkin.measure])


def psfs_activities(*, program_ids) -> dict[int, list[str]]:
    """Per program, the activities its first answered PSFS named (one query)."""
    rows = (
        CheckIn.objects.filter(
            program_id__in=list(program_ids), measure=Measure.PSFS, answered_at__isnull=False
        )
        .order_by("program_id", "due_date")
        .values_list("program_id", "answers")
    )
    firsts: dict[int, list[str]] = {}
    for program_id, answers in rows:
        firsts.setdefault(program_id, [a["name"] for a in answers["activities"]])
    return firsts


def checkin_activities(checkin: CheckIn) -> list[str] | None:
    """The activities a PSFS re-rates (named by its program's first answered PSFS);
    None when this one names them, and for the other measures."""
    if checkin.measure != Measure.PSFS:
        return None
    return psfs_activities(program_ids=[checkin.program_id]).get(checkin.program_id)


def checkin_answer(
    *,
    checkin: CheckIn,
    raw: dict,
    activities: list[str] | None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Store the answers once; raises AnswersInvalid (field errors) or CheckInClosed.

    `activities` is checkin_activities(checkin), read once by the caller, which needs
    it to pick the request's shape as well."""
    now = now or timezone.now()
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().select_related("patient").get(pk=checkin.pk)
        if checkin.answered_at is not None:
            raise CheckInClosed("This check-in is already answered.")
        if local_today(checkin.patient.timezone, now) >= checkin_closes_on(checkin):
            raise CheckInClosed("This check-in has closed; the next one will come.")
        clean = answers_clean(checkin.measure, raw, activities=activities)
        checkin.answers = clean.answers
        checkin.score = clean.score
        checkin.answered_at = now
        checkin.save(update_fields=["answers", "score", "answered_at"])
    return checkin
