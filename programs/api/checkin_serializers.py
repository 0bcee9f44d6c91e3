"""Shapes of the check-in endpoints: the patient's answers in, check-ins and outcomes out.

Answers differ by measure, so the request body is one of four closed objects; the
view picks the one the check-in asks for (a PSFS names its activities the first
time and re-rates them after). Bounds come from programs.outcomes.measures, whose
answers_clean holds the rules that span fields.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from config.api.strict import StrictSerializer
from programs.outcomes.measures import (
    ACTIVITY_NAME_MAX,
    GROC_MAX,
    GROC_MIN,
    PSFS_ACTIVITIES,
    SCORE_MAX,
    SCORE_MIN,
    Measure,
)


def _score(help_text: str, low: int = SCORE_MIN, high: int = SCORE_MAX):
    return serializers.IntegerField(min_value=low, max_value=high, help_text=help_text)


class NprsAnswersSerializer(StrictSerializer):
    current = _score("Pain right now, 0 (none) to 10 (worst imaginable).")
    best = _score("Pain at its least over the last 7 days; not above `current`.")
    worst = _score("Pain at its worst over the last 7 days; not below `current`.")


class PsfsActivitySerializer(StrictSerializer):
    name = serializers.CharField(
        max_length=ACTIVITY_NAME_MAX, help_text="An activity the back makes hard."
    )
    score = _score("0 (cannot do it) to 10 (as well as before the problem).")


class PsfsFirstAnswersSerializer(StrictSerializer):
    activities = serializers.ListField(
        child=PsfsActivitySerializer(),
        min_length=PSFS_ACTIVITIES,
        max_length=PSFS_ACTIVITIES,
        help_text="Exactly three different activities (names compared ignoring case).",
    )


class PsfsRerateAnswersSerializer(StrictSerializer):
    scores = serializers.ListField(
        child=_score("0 (cannot do it) to 10 (as well as before the problem)."),
        min_length=PSFS_ACTIVITIES,
        max_length=PSFS_ACTIVITIES,
        help_text="One score per activity of the check-in's `activities`, in their order.",
    )


class GrocAnswersSerializer(StrictSerializer):
    rating = _score(
        "Compared with the start of the program: -7 (very much worse) to 7 (very much "
        "better), 0 no change.",
        GROC_MIN,
        GROC_MAX,
    )


CHECKIN_ANSWERS_REQUEST = PolymorphicProxySerializer(
    component_name="CheckInAnswers",
    serializers=[
        NprsAnswersSerializer,
        PsfsFirstAnswersSerializer,
        PsfsRerateAnswersSerializer,
        GrocAnswersSerializer,
    ],
    resource_type_field_name=None,
)


def answers_serializer_class(measure: str, *, rerate: bool) -> type[StrictSerializer]:
    if measure == Measure.NPRS:
        return NprsAnswersSerializer
    if measure == Measure.PSFS:
        return PsfsRerateAnswersSerializer if rerate else PsfsFirstAnswersSerializer
    return GrocAnswersSerializer


# --- out ---------------------------------------------------------------------------


class NprsAnswersOutSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    best = serializers.IntegerField()
    worst = serializers.IntegerField()


class PsfsActivityOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    score = serializers.IntegerField()


class PsfsAnswersOutSerializer(serializers.Serializer):
    activities = PsfsActivityOutSerializer(many=True)


class GrocAnswersOutSerializer(serializers.Serializer):
    rating = serializers.IntegerField()


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="CheckInAnswersOut",
        serializers=[NprsAnswersOutSerializer, PsfsAnswersOutSerializer, GrocAnswersOutSerializer],
        resource_type_field_name=None,
        many=False,
    )
)
class AnswersField(serializers.JSONField):
    pass


class CheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.ChoiceField(choices=Measure.choices)
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("open", "open"), ("answered", "answered"), ("closed", "closed")],
        help_text="open: can be answered until `closes_on`; closed: not answered in time.",
    )
    due_date = serializers.DateField(help_text="Local date it fell due.")
    due_at = serializers.DateTimeField(help_text="The patient's reminder time on that date.")
    closes_on = serializers.DateField(help_text="First local date it can no longer be answered.")
    answered_at = serializers.DateTimeField(allow_null=True)
    answers = AnswersField(allow_null=True, help_text="As answered; null until then.")
    score = serializers.FloatField(
        allow_null=True,
        help_text="NPRS, PSFS: the mean of the ratings (2 decimals); GROC: the rating.",
    )
    activities = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text=(
            "An open PSFS that re-rates: the activities named at the program's first PSFS, "
            "to answer with `scores` in this order. Null otherwise (a first PSFS names "
            "its own with `activities`)."
        ),
    )


class CheckInListSerializer(serializers.Serializer):
    open = CheckInSerializer(many=True, help_text="Open check-ins, oldest first.")
    recent = CheckInSerializer(
        many=True, help_text="Answered or closed check-ins of the last 90 days, newest first."
    )
