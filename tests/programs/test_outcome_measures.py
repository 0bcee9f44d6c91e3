"""Check-in answers are held to each questionnaire's rules, strictly."""

import pytest
from django.db import IntegrityError

from programs.outcomes.measures import AnswersInvalid, Measure, answers_clean


def errors(measure, raw, **kwargs) -> dict:
    with pytest.raises(AnswersInvalid) as caught:
        answers_clean(measure, raw, **kwargs)
    return caught.value.errors


def test_nprs_scores_the_mean_of_the_three_ratings():
    clean = answers_clean(Measure.NPRS, {"current": 4, "best": 2, "worst": 7})
    assert clean.answers == {"current": 4, "best": 2, "worst": 7}
    assert clean.score == pytest.approx(4.33)


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"current": 11, "best": 2, "worst": 7}, "current", "Must be between 0 and 10."),
        ({"current": -1, "best": 2, "worst": 7}, "current", "Must be between 0 and 10."),
        (
            {"current": 4.5, "best": 2, "worst": 7},
            "current",
            "Must be a whole number (a JSON integer).",
        ),
        (
            {"current": "4", "best": 2, "worst": 7},
            "current",
            "Must be a whole number (a JSON integer).",
        ),
        (
            {"current": True, "best": 2, "worst": 7},
            "current",
            "Must be a whole number (a JSON integer).",
        ),
        ({"best": 2, "worst": 7}, "current", "This field is required."),
        ({"current": 4, "best": 2, "worst": 7, "mood": 3}, "mood", "Unknown field."),
        (
            {"current": 4, "best": 8, "worst": 7},
            "best",
            "Pain at its least cannot be above pain at its worst.",
        ),
        (
            {"current": 1, "best": 2, "worst": 7},
            "current",
            "Pain right now lies between its least and its worst of the week.",
        ),
    ],
)
def test_nprs_refuses(raw, field, message):
    assert errors(Measure.NPRS, raw)[field] == [message]


ACTIVITIES = [
    {"name": "Running 5 km", "score": 3},
    {"name": "Sitting through a meeting", "score": 5},
    {"name": "Lifting my child", "score": 4},
]


def test_first_psfs_names_three_activities_and_scores_their_mean():
    clean = answers_clean(Measure.PSFS, {"activities": ACTIVITIES})
    assert clean.answers == {"activities": ACTIVITIES}
    assert clean.score == 4.0


@pytest.mark.parametrize(
    ("activities", "expected"),
    [
        (ACTIVITIES[:2], ["Name exactly 3 activities."]),
        ([*ACTIVITIES, {"name": "Tying shoes", "score": 2}], ["Name exactly 3 activities."]),
        (
            [ACTIVITIES[0], ACTIVITIES[1], {"name": "  ", "score": 4}],
            {"2": {"name": ["Name the activity."]}},
        ),
        (
            [ACTIVITIES[0], ACTIVITIES[1], {"name": "Golf"}],
            {"2": {"score": ["This field is required."]}},
        ),
        (
            [ACTIVITIES[0], ACTIVITIES[1], {"name": "Golf", "score": 12}],
            {"2": {"score": ["Must be between 0 and 10."]}},
        ),
        (
            [ACTIVITIES[0], ACTIVITIES[1], {"name": "running 5 KM", "score": 2}],
            ["Name three different activities."],
        ),
        (
            [ACTIVITIES[0], ACTIVITIES[1], "Golf"],
            {"2": {"non_field_errors": ["Must be an object {name, score}."]}},
        ),
    ],
)
def test_first_psfs_refuses(activities, expected):
    assert errors(Measure.PSFS, {"activities": activities})["activities"] == expected


def test_later_psfs_rerates_the_same_activities_in_order():
    names = [a["name"] for a in ACTIVITIES]
    clean = answers_clean(Measure.PSFS, {"scores": [6, 7, 8]}, activities=names)
    assert clean.answers["activities"] == [
        {"name": "Running 5 km", "score": 6},
        {"name": "Sitting through a meeting", "score": 7},
        {"name": "Lifting my child", "score": 8},
    ]
    assert clean.score == 7.0


def test_later_psfs_cannot_rename_or_skip_activities():
    names = [a["name"] for a in ACTIVITIES]
    assert errors(Measure.PSFS, {"activities": ACTIVITIES}, activities=names) == {
        "activities": ["Unknown field."],
        "scores": ["This field is required."],
    }
    assert errors(Measure.PSFS, {"scores": [6, 7]}, activities=names) == {
        "scores": ["Rate each of your 3 activities, in their order."]
    }
    assert errors(Measure.PSFS, {"scores": [6, 7, 11]}, activities=names) == {
        "scores": {"2": ["Must be between 0 and 10."]}
    }


def test_groc_takes_one_rating_from_minus_7_to_plus_7():
    assert answers_clean(Measure.GROC, {"rating": -7}).score == -7.0
    assert answers_clean(Measure.GROC, {"rating": 5}).answers == {"rating": 5}
    assert errors(Measure.GROC, {"rating": 8}) == {"rating": ["Must be between -7 and 7."]}
    assert errors(Measure.GROC, {}) == {"rating": ["This field is required."]}


def test_answers_must_be_an_object():
    assert errors(Measure.NPRS, [1, 2, 3]) == {
        "non_field_errors": ["Send the answers as a JSON object."]
    }


@pytest.mark.django_db
def test_the_database_keeps_one_checkin_per_measure_and_day_and_whole_answers():
    import datetime as dt

    from programs.outcomes.models import CheckIn
    from tests.factories import ProgramFactory

    program = ProgramFactory()
    due = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
    fields = {"patient": program.patient, "program": program, "due_at": due}
    CheckIn.objects.create(measure="nprs", due_date=due.date(), **fields)
    with pytest.raises(IntegrityError):
        CheckIn.objects.create(measure="nprs", due_date=due.date(), **fields)


@pytest.mark.django_db
def test_answers_without_a_score_are_refused_by_the_database():
    import datetime as dt

    from programs.outcomes.models import CheckIn
    from tests.factories import ProgramFactory

    program = ProgramFactory()
    due = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
    with pytest.raises(IntegrityError):
        CheckIn.objects.create(
            patient=program.patient,
            program=program,
            measure="groc",
            due_date=due.date(),
            due_at=due,
            answered_at=due,
            answers={"rating": 3},
        )
