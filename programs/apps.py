from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Exercises and programs"

    def ready(self) -> None:
        from patients.signals import patient_clinic_changed
        from programs.receivers import alerts_follow_patient

        patient_clinic_changed.connect(alerts_follow_patient, dispatch_uid="alerts_follow_patient")
