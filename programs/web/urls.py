from django.urls import path, re_path

from programs.web import alerts, exports, library, patients, printing, programs, suggestions

urlpatterns = [
    path("patients/", patients.PatientListView.as_view(), name="console-patients"),
    path(
        "patients/<int:pk>/logs.csv",
        exports.PatientLogsCsvPage.as_view(),
        name="console-patient-logs-csv",
    ),
    path("reports/adherence.csv", exports.AdherenceCsvPage.as_view(), name="console-adherence-csv"),
    path(
        "patients/<int:pk>/programs/new/",
        programs.ProgramNewView.as_view(),
        name="console-program-new",
    ),
    path("programs/<int:pk>/", programs.ProgramEditView.as_view(), name="console-program"),
    path(
        "programs/<int:pk>/swap/", programs.ProgramSwapView.as_view(), name="console-program-swap"
    ),
    re_path(
        r"^programs/(?P<pk>[0-9]+)/(?P<action>pause|resume|complete)/$",
        programs.ProgramStatusView.as_view(),
        name="console-program-status",
    ),
    path(
        "programs/<int:pk>/print/",
        printing.ProgramPrintView.as_view(),
        name="console-program-print",
    ),
    path("programs/<int:pk>/pdf/", printing.ProgramPdfView.as_view(), name="console-program-pdf"),
    path("library/", library.LibraryView.as_view(), name="console-library"),
    path("library/new/", library.ExerciseNewView.as_view(), name="console-exercise-new"),
    path("library/media/<int:pk>/", library.media_file, name="console-media"),
    path("library/<slug:slug>/", library.ExerciseView.as_view(), name="console-exercise"),
    path("protocols/", library.ProtocolListView.as_view(), name="console-protocols"),
    path("protocols/new/", library.ProtocolEditView.as_view(), name="console-protocol-new"),
    path("protocols/<int:pk>/", library.ProtocolEditView.as_view(), name="console-protocol"),
    path("alerts/", alerts.AlertListView.as_view(), name="console-alerts"),
    path(
        "alerts/<int:pk>/resolve/", alerts.AlertResolveView.as_view(), name="console-alert-resolve"
    ),
    re_path(
        r"^suggestions/(?P<pk>[0-9]+)/(?P<action>accept|dismiss)/$",
        suggestions.SuggestionDecideView.as_view(),
        name="console-suggestion-decide",
    ),
]
