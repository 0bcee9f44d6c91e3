"""The three questionnaires: what each asks, when it falls due, and its answers' rules.

All three are free to use in any software. Wording is our own; the scales follow
the published instruments:
- NPRS (numeric pain rating scale): pain now, at its least and at its worst over
  the last 7 days, 0 (no pain) to 10 (worst imaginable); scored as the mean of the
  three. Weekly from the program's start.
- PSFS (patient-specific functional scale): the patient names three activities they
  find hard because of their back and rates each 0 (cannot do it) to 10 (as well as
  before the problem); later check-ins re-rate the same three. Scored as the mean.
  At the program's start and every 2 weeks.
- GROC (global rating of change), 15 points from -7 to +7: how the back is now
  compared with the start of the program. Once, on the program's last day.

`answers_clean` is the one place the rules live; the API's serializers only check
JSON types and bounds first, for a field-level 400.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models

SCORE_MIN, SCORE_MAX = 0, 10
GROC_MIN, GROC_MAX = -7, 7
PSFS_ACTIVITIES = 3
ACTIVITY_NAME_MAX = 80


class Measure(models.TextChoices):
    NPRS = "nprs", "Pain rating (NPRS)"
    PSFS = "psfs", "Activities you find hard (PSFS)"
    GROC = "groc", "Global rating of change"


# Days between check-ins of a measure, counted from the program's start date
# (None: once, on the program's end date).
EVERY_DAYS: dict[str, int | None] = {Measure.NPRS: 7, Measure.PSFS: 14, Measure.GROC: None}
# A check-in stays open (answerable) this many local days from its due date.
OPEN_DAYS: dict[str, int] = {Measure.NPRS: 7, Measure.PSFS: 14, Measure.GROC: 14}

# What each check-in is called where the patient sees it (the questions themselves
# are in the app's screens, ready for translation).
TITLES: dict[str, str] = {
    Measure.NPRS: "Your pain this week",
    Measure.PSFS: "Activities you find hard",
    Measure.GROC: "Your back since the program started",
}


class AnswersInvalid(Exception):
    """Field errors, keyed as the request body is."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class CleanAnswers:
    answers: dict
    score: float


def _score_error(value, low: int = SCORE_MIN, high: int = SCORE_MAX) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return "Must be a whole number (a JSON integer)."
    if not low <= value <= high:
        return f"Must be between {low} and {high}."
    return None


def _keys_error(raw: dict, expected: set[str]) -> dict:
    errors = {key: ["Unknown field."] for key in raw if key not in expected}
    errors.update({key: ["This field is required."] for key in expected if key not in raw})
    return errors


def _nprs(raw: dict) -> CleanAnswers:
    keys = ("current", "best", "worst")
    errors = _keys_error(raw, set(keys))
    for key in keys:
        if key in raw and (message := _score_error(raw[key])):
            errors[key] = [message]
    if errors:
        raise AnswersInvalid(errors)
    current, best, worst = (raw[key] for key in keys)
    if best > worst:
        raise AnswersInvalid({"best": ["Pain at its least cannot be above pain at its worst."]})
    if not best <= current <= worst:
        raise AnswersInvalid(
            {"current": ["Pain right now lies between its least and its worst of the week."]}
        )
    return CleanAnswers(
        {"current": current, "best": best, "worst": worst}, round((current + best + worst) / 3, 2)
    )


def _activity_name_error(value) -> str | None:
    if not isinstance(value, str):
        return "Must be a string."
    if not value.strip():
        return "Name the activity."
    if len(value.strip()) > ACTIVITY_NAME_MAX:
        return f"At most {ACTIVITY_NAME_MAX} characters."
    return None


def _psfs_first(raw: dict) -> CleanAnswers:
    errors = _keys_error(raw, {"activities"})
    activities = raw.get("activities")
    if "activities" in raw and (
        not isinstance(activities, list) or len(activities) != PSFS_ACTIVITIES
    ):
        errors["activities"] = [f"Name exactly {PSFS_ACTIVITIES} activities."]
    if errors:
        raise AnswersInvalid(errors)
    per_index: dict[str, dict] = {}
    for index, activity in enumerate(activities):
        if not isinstance(activity, dict):
            per_index[str(index)] = {"non_field_errors": ["Must be an object {name, score}."]}
            continue
        entry = _keys_error(activity, {"name", "score"})
        if "name" in activity and (message := _activity_name_error(activity["name"])):
            entry["name"] = [message]
        if "score" in activity and (message := _score_error(activity["score"])):
            entry["score"] = [message]
        if entry:
            per_index[str(index)] = entry
    if per_index:
        raise AnswersInvalid({"activities": per_index})
    names = [activity["name"].strip() for activity in activities]
    if len({name.casefold() for name in names}) != len(names):
        raise AnswersInvalid({"activities": ["Name three different activities."]})
    return _psfs(names, [activity["score"] for activity in activities])


def _psfs_rerate(raw: dict, names: list[str]) -> CleanAnswers:
    errors = _keys_error(raw, {"scores"})
    scores = raw.get("scores")
    if "scores" in raw and (not isinstance(scores, list) or len(scores) != len(names)):
        errors["scores"] = [f"Rate each of your {len(names)} activities, in their order."]
    if errors:
        raise AnswersInvalid(errors)
    per_index = {
        str(index): [message]
        for index, value in enumerate(scores)
        if (message := _score_error(value))
    }
    if per_index:
        raise AnswersInvalid({"scores": per_index})
    return _psfs(names, scores)


def _psfs(names: list[str], scores: list[int]) -> CleanAnswers:
    activities = [{"name": name, "score": score} for name, score in zip(names, scores, strict=True)]
    return CleanAnswers({"activities": activities}, round(sum(scores) / len(scores), 2))


def _groc(raw: dict) -> CleanAnswers:
    errors = _keys_error(raw, {"rating"})
    if "rating" in raw and (message := _score_error(raw["rating"], GROC_MIN, GROC_MAX)):
        errors["rating"] = [message]
    if errors:
        raise AnswersInvalid(errors)
    return CleanAnswers({"rating": raw["rating"]}, float(raw["rating"]))


def answers_clean(measure: str, raw, *, activities: list[str] | None = None) -> CleanAnswers:
    """The answers as stored, and their score; raises AnswersInvalid.

    `activities`: for a PSFS, the names the patient gave at their first PSFS of the
    program (to re-rate), or None when this one names them."""
    if not isinstance(raw, dict):
        raise AnswersInvalid({"non_field_errors": ["Send the answers as a JSON object."]})
    if measure == Measure.NPRS:
        return _nprs(raw)
    if measure == Measure.PSFS:
        return _psfs_first(raw) if activities is None else _psfs_rerate(raw, activities)
    if measure == Measure.GROC:
        return _groc(raw)
    raise ValueError(f"unknown measure {measure!r}")


def due_dates(
    measure: str, *, start: dt.date, end: dt.date | None, through: dt.date
) -> list[dt.date]:
    """Every local date a program's check-ins of `measure` fall due, up to `through`.

    The Python form of the planner's SQL rule (programs.outcomes.planning), for
    tests and for views that hold a program."""
    last = through if end is None else min(end, through)
    every = EVERY_DAYS[measure]
    if every is None:
        return [end] if end is not None and end <= through else []
    days = []
    day = start
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=every)
    return days
