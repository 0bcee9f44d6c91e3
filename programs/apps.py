from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Exercises and programs"

    def ready(self) -> None:
        # Connects the today cache's receivers (model signals and patients' own
        # signals) in every process, not only once a view has imported it.
        from programs.selectors import today_cache  # noqa: F401
