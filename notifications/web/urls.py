from django.urls import path

from notifications.web import patient, worklist

urlpatterns = [
    path("", worklist.WorklistView.as_view(), name="console-home"),
    path("patients/<int:pk>/", patient.PatientPageView.as_view(), name="console-patient"),
]
