"""Shapes of the patient's /api/v1/me/ program endpoints: today, days, logs, adherence.

The today view builds plain dicts (programs.selectors.patient_day); the
serializers here describe exactly that shape for the schema.
"""

import datetime as dt

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from config.api.strict import FreeTextField, StrictQuerySerializer, StrictSerializer
from programs.api.adherence_serializers import (
    AdherenceRatesSerializer,
    days_complete_rate_field,
    items_done_rate_field,
)
from programs.models import Category, Equipment, Laterality, Side
from programs.suggestion_models import Suggestion

MAX_LOGS_PER_BATCH = 500
MAX_DAYS_PER_CALL = 92
# Furthest a ?date= may be from the patient's local today, either way.
DAY_QUERY_RANGE = dt.timedelta(days=366)
# A log may be for a date up to this far back, and not after tomorrow.
LOG_DATE_PAST = dt.timedelta(days=366)
# Device clocks run a little fast; performed_at may be this far in the future.
CLOCK_SKEW = dt.timedelta(minutes=5)
DB_ID_MAX = 2**63 - 1


# --- today ------------------------------------------------------------------------


class TodayExerciseSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    instructions = serializers.ListField(child=serializers.CharField(), help_text="Ordered steps.")
    cues = serializers.ListField(child=serializers.CharField())
    media = serializers.ListField(child=serializers.URLField(), help_text="Image/video URLs.")
    equipment = serializers.ListField(child=serializers.ChoiceField(choices=Equipment.choices))
    laterality = serializers.ChoiceField(choices=Laterality.choices)


class DoseSerializer(serializers.Serializer):
    sets = serializers.IntegerField(allow_null=True)
    reps = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)
    side = serializers.ChoiceField(choices=Side.choices)


class TodayChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Suggestion.Kind.choices,
        help_text="advance: a step up; regress: a step down.",
    )
    what = serializers.CharField(help_text="What changed, in words.")
    why = serializers.CharField(help_text="The sessions behind it, in words.")


class TodayItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The prescription row; send it as `item` in logs.")
    exercise = TodayExerciseSerializer()
    dose = DoseSerializer()
    times_per_day = serializers.IntegerField()
    notes = serializers.CharField(
        allow_blank=True, help_text="The clinician's note on this line; empty when none."
    )
    done_count = serializers.IntegerField(help_text="Completed logs of this item on `date`.")
    done = serializers.BooleanField(help_text="done_count >= times_per_day.")
    change = TodayChangeSerializer(
        allow_null=True,
        help_text="Set for two weeks after the clinic progressed or eased this line on "
        "the evidence of the patient's logs; null otherwise.",
    )


class TodayProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    items = TodayItemSerializer(many=True, help_text="In the program's order.")


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The patient's local date.")
    complete = serializers.BooleanField(
        help_text="Something is scheduled and every item is done the times it is due."
    )
    programs = TodayProgramSerializer(
        many=True, help_text="Only programs with something scheduled on `date`."
    )


class TodayQuerySerializer(StrictQuerySerializer):
    date = serializers.DateField()

    def validate_date(self, value: dt.date) -> dt.date:
        today = self.context["today"]
        if abs(value - today) > DAY_QUERY_RANGE:
            raise serializers.ValidationError(_within_range_message(today))
        return value


def _within_range_message(today: dt.date) -> str:
    return f"Must be within {DAY_QUERY_RANGE.days} days of today ({today.isoformat()})."


# --- days -------------------------------------------------------------------------


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    scheduled = serializers.IntegerField(help_text="Occurrences scheduled (item x times per day).")
    done = serializers.IntegerField(help_text="Occurrences done, capped per item at scheduled.")
    complete = serializers.BooleanField()


class DaysQuerySerializer(StrictQuerySerializer):
    """?from=&to= (inclusive local dates); `from` is a Python keyword, hence get_fields."""

    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        today = self.context["today"]
        for name in ("from", "to"):
            if name in attrs and abs(attrs[name] - today) > DAY_QUERY_RANGE:
                raise serializers.ValidationError({name: [_within_range_message(today)]})
        end = attrs.get("to") or today
        start = attrs.get("from") or end - dt.timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"from": ["Must not be after `to`."]})
        if (end - start).days + 1 > MAX_DAYS_PER_CALL:
            raise serializers.ValidationError(
                {"to": [f"At most {MAX_DAYS_PER_CALL} days per call."]}
            )
        return {"start": start, "end": end}


# --- adherence --------------------------------------------------------------------


class PainDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    average = serializers.FloatField(help_text="Mean reported pain (0-10) that day.")


LAST_7_DAYS = " Window: the last 7 local days, as on the clinician's patient list."


class AdherenceSerializer(serializers.Serializer):
    last_7_days = serializers.FloatField(
        allow_null=True,
        source="rates_last_7_days.days_complete_rate",
        help_text="The same as `days_complete_rate` (the last 7 local days).",
    )
    last_30_days = serializers.FloatField(
        allow_null=True,
        source="rates_last_30_days.days_complete_rate",
        help_text="The same as `last_30_days_rates.days_complete_rate`.",
    )
    days_complete_rate = days_complete_rate_field(
        LAST_7_DAYS, source="rates_last_7_days.days_complete_rate"
    )
    items_done_rate = items_done_rate_field(LAST_7_DAYS, source="rates_last_7_days.items_done_rate")
    last_30_days_rates = AdherenceRatesSerializer(
        source="rates_last_30_days", help_text="Both rates over the last 30 local days."
    )
    current_streak = serializers.IntegerField(
        help_text="Complete scheduled days in a row up to today; rest days do not break it."
    )
    longest_streak = serializers.IntegerField()
    pain = PainDaySerializer(
        many=True, help_text="Days of the last 30 with reported pain, oldest first."
    )


# --- logs -------------------------------------------------------------------------


class BoundedListField(serializers.ListField):
    """Refuses an oversized list before validating any of its elements."""

    def to_internal_value(self, data):
        if isinstance(data, list) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that says its UTC offset (or Z): a bare local time would
    be read in the server's zone, not the device's, and land hours off."""

    default_error_messages = {
        "offset": "Include the UTC offset or Z, e.g. 2026-11-25T18:30:00+01:00.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # out-of-range parts: the parent's message
            if parsed is not None and parsed.tzinfo is None:
                self.fail("offset")
        return super().to_internal_value(value)


def optional_count(max_value: int, help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=max_value, required=False, allow_null=True, help_text=help_text
    )


DONE_COUNTS = ("sets_done", "reps_done", "hold_seconds_done", "duration_seconds_done")


class LogInputSerializer(StrictSerializer):
    id = serializers.UUIDField(help_text="Made by the app; sending the same log again is safe.")
    item = serializers.IntegerField(
        min_value=1, max_value=DB_ID_MAX, help_text="An item id from /me/today."
    )
    date = serializers.DateField(
        help_text="The local date the exercise counts for; not after tomorrow."
    )
    completed = serializers.BooleanField(
        help_text="false records a skipped exercise: its *_done counts must then be 0 or absent."
    )
    sets_done = optional_count(100)
    reps_done = optional_count(1000)
    hold_seconds_done = optional_count(3600)
    duration_seconds_done = optional_count(86400)
    pain = optional_count(10, "0 (none) to 10 (worst imaginable).")
    difficulty = optional_count(10, "Rate of perceived exertion, 0 to 10.")
    note = FreeTextField(
        max_length=2000, required=False, allow_blank=True, allow_null=True, default=""
    )
    performed_at = OffsetDateTimeField(
        help_text="ISO 8601 instant with its UTC offset or Z; not in the future."
    )

    def validate_date(self, value: dt.date) -> dt.date:
        today = self.context["today"]
        if value > today + dt.timedelta(days=1):
            raise serializers.ValidationError("Cannot be after tomorrow.")
        if value < today - LOG_DATE_PAST:
            raise serializers.ValidationError(f"Cannot be more than {LOG_DATE_PAST.days} days ago.")
        return value

    def validate_performed_at(self, value: dt.datetime) -> dt.datetime:
        now = self.context["now"]
        if value > now + CLOCK_SKEW:
            raise serializers.ValidationError("Cannot be in the future.")
        if value < now - LOG_DATE_PAST - dt.timedelta(days=2):
            raise serializers.ValidationError(f"Cannot be more than {LOG_DATE_PAST.days} days ago.")
        return value

    def validate_note(self, value: str | None) -> str:
        return value or ""

    def validate(self, attrs):
        if not attrs["completed"]:
            done = [name for name in DONE_COUNTS if attrs.get(name)]
            if done:
                raise serializers.ValidationError(
                    {name: ["A log that is not completed records nothing done."] for name in done}
                )
        return attrs


class LogBatchSerializer(StrictSerializer):
    logs = BoundedListField(
        child=LogInputSerializer(),
        min_length=1,
        max_length=MAX_LOGS_PER_BATCH,
        help_text=f"1 to {MAX_LOGS_PER_BATCH} logs; ids unique within the batch.",
    )

    def validate_logs(self, logs: list[dict]) -> list[dict]:
        first_index: dict = {}
        errors = {}
        for index, log in enumerate(logs):
            if log["id"] in first_index:
                errors[index] = {"id": [f"Same id as log {first_index[log['id']]} of this batch."]}
            else:
                first_index[log["id"]] = index
        if errors:
            raise serializers.ValidationError(errors)
        return logs


class LogConflictSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in the request's `logs`.")
    id = serializers.UUIDField()


class LogBatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Logs stored by this request.")
    duplicates = serializers.IntegerField(
        help_text="Logs already stored with the same id and content; nothing changed."
    )
    conflicts = LogConflictSerializer(
        many=True,
        help_text="Logs whose id is already stored with different content; nothing changed.",
    )
