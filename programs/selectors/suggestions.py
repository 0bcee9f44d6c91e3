"""Reads of progression suggestions, for the API and the console alike."""

from django.db.models import QuerySet

from programs.suggestion_models import Suggestion


def suggestions_for_clinic(*, clinic_id: int) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(clinic_id=clinic_id)
        .select_related("patient__user", "to_exercise", "to_phase")
        .order_by("-created_at", "-id")
    )


def open_suggestions_for_clinic(*, clinic_id: int) -> QuerySet[Suggestion]:
    return suggestions_for_clinic(clinic_id=clinic_id).filter(status=Suggestion.Status.OPEN)
