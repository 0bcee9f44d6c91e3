"""What a reminder says: today's routine in one line, a check-in due, email bodies,
unsubscribe links."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from notifications.channels import Message
from patients.models import Patient
from programs.scheduling import unfinished_items

UNSUBSCRIBE_SALT = "notifications.unsubscribe.email"
PUSH_TITLE = "Time for today's exercises"
PUSH_BODY = "Open the app to start."
PUSH_BODY_WITH_CHECKIN = "Open the app to start. A short check-in is waiting too."
CHECKIN_PUSH_TITLE = "A short check-in is waiting"
CHECKIN_PUSH_BODY = "Open the app to answer: it takes a minute."
# Rough pace for an estimate: a rep takes ~4 s, and a set ends with ~30 s of rest.
SECONDS_PER_REP = 4
REST_BETWEEN_SETS = 30


@dataclass(frozen=True)
class Routine:
    exercises: int
    minutes: int

    @property
    def summary(self) -> str:
        noun = "exercise" if self.exercises == 1 else "exercises"
        return f"{self.exercises} {noun}, about {self.minutes} min"


def item_seconds(sets, reps, hold_seconds, duration_seconds, times_left) -> int:
    sets = sets or 1
    if duration_seconds:
        per_set = duration_seconds
    elif hold_seconds:
        per_set = hold_seconds * (reps or 1)
    else:
        per_set = (reps or 10) * SECONDS_PER_REP
    return (per_set + REST_BETWEEN_SETS) * sets * times_left


def routines_left(*, patient_ids: list[int], day: dt.date) -> dict[int, Routine]:
    """What is still to do on `day`, per patient, in one query; absent means complete."""
    rows = (
        unfinished_items(day, day)
        .filter(program__patient_id__in=patient_ids)
        .order_by()
        .values(
            "program__patient_id",
            "sets",
            "reps",
            "hold_seconds",
            "duration_seconds",
            "times_per_day",
            "done_count",
        )
    )
    exercises: dict[int, int] = defaultdict(int)
    seconds: dict[int, int] = defaultdict(int)
    for row in rows:
        pid = row["program__patient_id"]
        exercises[pid] += 1
        seconds[pid] += item_seconds(
            row["sets"],
            row["reps"],
            row["hold_seconds"],
            row["duration_seconds"],
            max(row["times_per_day"] - row["done_count"], 1),
        )
    return {
        pid: Routine(count, max(1, math.ceil(seconds[pid] / 60)))
        for pid, count in exercises.items()
    }


def unsubscribe_token(patient_id: int) -> str:
    """`<patient id>:<HMAC>`, keyed by SECRET_KEY and a salt of its own; it never expires,
    as a link in an old email must keep working."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(patient_id))


def unsubscribe_token_read(token: str) -> int | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() else None


def unsubscribe_url(patient_id: int) -> str:
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(patient_id)})
    return settings.SITE_URL + path


def today_url(day: dt.date) -> str:
    return f"{settings.APP_TODAY_URL}?{urlencode({'date': day.isoformat()})}"


def checkin_url(checkin_id: int) -> str:
    return f"{settings.APP_CHECKIN_URL}?{urlencode({'id': checkin_id})}"


def reminder_message(
    patient: Patient,
    day: dt.date,
    routine: Routine | None,
    *,
    checkin: int | None = None,
    with_email: bool = True,
) -> Message:
    """The reminder for `day`: the routine left (if any) and the check-in due (the id
    of the one to link to, if any); one of the two is there. The email parts are
    rendered only when they will be sent (templates are the costliest part of
    preparing a push)."""
    first_name = patient.user.first_name or "there"
    answer_url = checkin_url(checkin) if checkin is not None else ""
    if routine is not None:
        link = today_url(day)
        subject = f"{first_name}, your exercises for today ({routine.summary})"
        title, body = PUSH_TITLE, PUSH_BODY_WITH_CHECKIN if checkin is not None else PUSH_BODY
        kind = "daily_reminder"
    else:
        link = answer_url
        subject = f"{first_name}, a short check-in is waiting for you"
        title, body, kind = CHECKIN_PUSH_TITLE, CHECKIN_PUSH_BODY, "checkin_reminder"
    text = html = ""
    headers = {}
    if with_email:
        unsubscribe = unsubscribe_url(patient.pk)
        context = {
            "first_name": first_name,
            "routine": routine,
            "day": day,
            "today_url": today_url(day),
            "checkin_url": answer_url,
            "unsubscribe_url": unsubscribe,
        }
        text = render_to_string("notifications/reminder_email.txt", context)
        html = render_to_string("notifications/reminder_email.html", context)
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return Message(
        subject=subject,
        text=text,
        html=html,
        # A push passes through Google or Apple and shows on a lock screen: no name,
        # no detail of the routine or the questions, only a nudge and the link.
        title=title,
        body=body,
        url=link,
        headers=headers,
        data={"local_date": day.isoformat(), "url": link, "kind": kind},
    )
