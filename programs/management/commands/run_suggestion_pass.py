from django.core.management.base import BaseCommand

from programs.services.suggestions import suggestions_daily_pass


class Command(BaseCommand):
    help = "Raise progression and regression suggestions for every active program (safe to rerun)."

    def handle(self, *args, **options):
        counts = suggestions_daily_pass()
        self.stdout.write(
            f"Judged {counts['lines']} lines; raised {counts['raised']}, applied "
            f"{counts['applied']} automatically, expired {counts['expired']} suggestions."
        )
