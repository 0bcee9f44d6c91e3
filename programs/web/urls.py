from django.urls import path

from programs.web import alerts, patients

urlpatterns = [
    path("patients/", patients.PatientListView.as_view(), name="console-patients"),
    path("alerts/", alerts.AlertListView.as_view(), name="console-alerts"),
    path(
        "alerts/<int:pk>/resolve/", alerts.AlertResolveView.as_view(), name="console-alert-resolve"
    ),
]
