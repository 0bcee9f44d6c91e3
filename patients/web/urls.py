from django.urls import path

from patients.web import views

urlpatterns = [
    path("patients/new/", views.PatientAddView.as_view(), name="console-patient-new"),
    path(
        "patients/<int:pk>/invite/",
        views.PatientInviteView.as_view(),
        name="console-patient-invite",
    ),
]
