"""`manage.py load_library`: create or refresh the global exercise library and protocols."""

from django.core.management.base import BaseCommand, CommandError

from programs.library.loader import LibraryDataError, load_library


class Command(BaseCommand):
    help = (
        "Load the seeded global exercise library and starter protocols. Safe to run "
        "again: only missing or changed entries are written. Use -v 2 to list them."
    )

    def handle(self, *args, **options) -> None:
        detail = self.stdout if options["verbosity"] >= 2 else None
        try:
            report = load_library(stdout=detail)
        except LibraryDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
