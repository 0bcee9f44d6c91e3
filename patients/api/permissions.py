"""The one permission rule of the API: a role per endpoint, data scoped by owner.

Wrong role answers 403; objects of another clinic or patient are filtered out of
querysets so they answer 404 (never 403, never the data).
"""

from rest_framework.permissions import BasePermission


class IsPatient(BasePermission):
    message = "This endpoint is for patients."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and hasattr(request.user, "patient")
        )


class IsClinician(BasePermission):
    message = "This endpoint is for clinicians."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and hasattr(request.user, "clinician")
        )


class IsPatientOrClinician(BasePermission):
    message = "This endpoint is for patients and clinicians."

    def has_permission(self, request, view) -> bool:
        return IsPatient().has_permission(request, view) or IsClinician().has_permission(
            request, view
        )
