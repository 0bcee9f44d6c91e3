from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Exercises and programs"

    def ready(self) -> None:
        # Connects the today cache's receivers (model signals and patients' own
        # signals) in every process, not only once a view has imported it.
        from patients.signals import patient_clinic_changed
        from programs.receivers import alerts_follow_patient
        from programs.selectors import today_cache  # noqa: F401

        patient_clinic_changed.connect(alerts_follow_patient, dispatch_uid="alerts_follow_patient")
