from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Clinics and patients"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from patients.models import User
        from patients.services.sessions import account_credentials_changed

        post_save.connect(account_credentials_changed, sender=User, dispatch_uid="credentials")

        from patients import token_cache

        token_cache.connect()
