"""Clinician routes of the programs app, mounted at /api/v1/."""

from django.urls import path

from programs.api import (
    alert_views,
    csv_views,
    exercise_views,
    fhir_views,
    log_views,
    outcome_views,
    patient_views,
    program_views,
    suggestion_views,
    template_views,
)

urlpatterns = [
    path("patients", patient_views.PatientListCreateView.as_view(), name="patient-list"),
    path("patients/<int:pk>", patient_views.PatientDetailView.as_view(), name="patient-detail"),
    path(
        "patients/<int:pk>/invite", patient_views.PatientInviteView.as_view(), name="patient-invite"
    ),
    path("exercises", exercise_views.ExerciseListCreateView.as_view(), name="exercise-list"),
    path(
        "exercises/<slug:slug>",
        exercise_views.ExerciseDetailView.as_view(),
        name="exercise-detail",
    ),
    path("templates", template_views.TemplateListCreateView.as_view(), name="template-list"),
    path("templates/<int:pk>", template_views.TemplateDetailView.as_view(), name="template-detail"),
    path(
        "patients/<int:pk>/programs",
        program_views.PatientProgramsView.as_view(),
        name="patient-programs",
    ),
    path(
        "patients/<int:pk>/adherence",
        program_views.PatientAdherenceView.as_view(),
        name="patient-adherence",
    ),
    path(
        "patients/<int:pk>/outcomes",
        outcome_views.PatientOutcomesView.as_view(),
        name="patient-outcomes",
    ),
    path("patients/<int:pk>/logs", log_views.PatientLogsView.as_view(), name="patient-logs"),
    path("programs/<int:pk>", program_views.ProgramDetailView.as_view(), name="program-detail"),
    path("programs/<int:pk>/pause", program_views.ProgramPauseView.as_view(), name="program-pause"),
    path(
        "programs/<int:pk>/resume",
        program_views.ProgramResumeView.as_view(),
        name="program-resume",
    ),
    path(
        "programs/<int:pk>/complete",
        program_views.ProgramCompleteView.as_view(),
        name="program-complete",
    ),
    path(
        "fhir/Patient/<int:pk>/$everything",
        fhir_views.PatientEverythingView.as_view(),
        name="fhir-patient-everything",
    ),
    path(
        "patients/<int:pk>/fhir",
        fhir_views.PatientFhirView.as_view(),
        name="patient-fhir",
    ),
    path("fhir/metadata", fhir_views.CapabilityStatementView.as_view(), name="fhir-metadata"),
    path(
        "fhir/Questionnaire/<slug:measure>",
        fhir_views.QuestionnaireView.as_view(),
        name="fhir-questionnaire",
    ),
    path(
        "patients/<int:pk>/logs.csv",
        csv_views.PatientLogsCsvView.as_view(),
        name="patient-logs-csv",
    ),
    path("reports/adherence.csv", csv_views.AdherenceCsvView.as_view(), name="adherence-csv"),
    path("alerts", alert_views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/resolve", alert_views.AlertResolveView.as_view(), name="alert-resolve"),
    path("suggestions", suggestion_views.SuggestionListView.as_view(), name="suggestion-list"),
    path(
        "suggestions/<int:pk>/accept",
        suggestion_views.SuggestionAcceptView.as_view(),
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/dismiss",
        suggestion_views.SuggestionDismissView.as_view(),
        name="suggestion-dismiss",
    ),
]
