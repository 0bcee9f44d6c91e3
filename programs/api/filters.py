"""Validated filters of the clinician lists: an unknown choice answers 400."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from programs.models import Alert, Category, Driver, Equipment, Exercise, Region
from programs.suggestion_models import Suggestion


def _json_list_has(field: str):
    """JSON lists of fixed slugs: match the quoted slug in the stored text, which
    works on SQLite and PostgreSQL alike (JSON `contains` does not on SQLite)."""

    def method(queryset, name, value):
        return queryset.filter(**{f"{field}__icontains": f'"{value}"'})

    return method


class ExerciseFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    region = django_filters.ChoiceFilter(
        choices=Region.choices, method=_json_list_has("body_regions"), help_text="Body region."
    )
    driver = django_filters.ChoiceFilter(choices=Driver.choices, method=_json_list_has("drivers"))
    equipment = django_filters.ChoiceFilter(
        choices=Equipment.choices, method=_json_list_has("equipment")
    )
    level = django_filters.ChoiceFilter(choices=[(n, str(n)) for n in range(1, 5)])
    q = django_filters.CharFilter(
        method="search", max_length=100, help_text="Words in the name or instructions."
    )

    class Meta:
        model = Exercise
        fields = ["category", "region", "driver", "equipment", "level", "q"]

    def search(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(Q(name__icontains=term) | Q(instructions__icontains=term))
        return queryset


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number (the schema says integer, not number)."""


def patient_filter() -> IdFilter:
    return IdFilter(
        field_name="patient_id",
        min_value=1,
        max_value=2**63 - 1,
        decimal_places=0,
        help_text="Patient id.",
    )


class OpenByDefaultFilterSet(django_filters.FilterSet):
    """A worklist's filters: with no status asked for, the open rows."""

    open_status = "open"

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = self.open_status
        super().__init__(data, *args, **kwargs)


class AlertFilter(OpenByDefaultFilterSet):
    open_status = Alert.Status.OPEN
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices)
    status = django_filters.ChoiceFilter(
        choices=Alert.Status.choices,
        empty_label=None,
        help_text="Defaults to open.",
    )
    patient = patient_filter()

    class Meta:
        model = Alert
        fields = ["kind", "status", "patient"]


class SuggestionFilter(OpenByDefaultFilterSet):
    open_status = Suggestion.Status.OPEN
    status = django_filters.ChoiceFilter(
        choices=Suggestion.Status.choices, empty_label=None, help_text="Defaults to open."
    )
    kind = django_filters.ChoiceFilter(choices=Suggestion.Kind.choices)
    patient = patient_filter()

    class Meta:
        model = Suggestion
        fields = ["status", "kind", "patient"]
