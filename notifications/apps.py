from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from notifications import checks  # noqa: F401  (registers the start-up checks)
        from notifications.webhooks import receivers

        receivers.connect()
