"""Clinician routes of the patients app, mounted at /api/v1/."""

from django.urls import path

from patients.api import clinic_views

urlpatterns = [
    path("patients", clinic_views.PatientListCreateView.as_view(), name="patient-list"),
    path("patients/<int:pk>", clinic_views.PatientDetailView.as_view(), name="patient-detail"),
    path(
        "patients/<int:pk>/invite",
        clinic_views.PatientInviteView.as_view(),
        name="patient-invite",
    ),
]
