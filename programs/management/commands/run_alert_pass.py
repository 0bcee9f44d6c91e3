from django.core.management.base import BaseCommand

from programs.services.alerts import alerts_daily_pass


class Command(BaseCommand):
    help = "Open missed-days and pain-rising alerts for every patient (safe to rerun)."

    def handle(self, *args, **options):
        counts = alerts_daily_pass()
        self.stdout.write(
            f"Checked {counts['patients']} patients; created "
            f"{counts['missed_days']} missed_days and {counts['pain_rising']} pain_rising alerts."
        )
