"""Seed N patients due at one instant and time planning passes over them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hep_bench \\
        uv run python manage.py time_reminder_planning --patients 10000

Writes into the configured database: point it at a scratch one.
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Delivery
from notifications.seeding import seed_due_patients
from notifications.services.planning import reminders_plan


class Command(BaseCommand):
    help = "Time one reminder planning pass for N patients due in the same minute."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=10_000)
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, patients: int, rounds: int, **options):
        now = timezone.now().replace(second=30, microsecond=0)
        started = time.perf_counter()
        label = f"timing{int(time.time())}"
        clinic_name = f"Timing clinic {label}"
        ids = seed_due_patients(count=patients, at=now, label=label)
        self.stdout.write(f"seeded {len(ids)} patients in {time.perf_counter() - started:.1f}s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh bulk rows: give the planner real statistics
        timings = []
        for _ in range(rounds):
            with transaction.atomic():
                started = time.perf_counter()
                result = reminders_plan(now=now, enqueue=None)
                timings.append(time.perf_counter() - started)
                written = Delivery.objects.filter(patient__clinic__name=clinic_name).count()
                transaction.set_rollback(True)  # the next round plans the same rows again
            self.stdout.write(
                f"pass: {timings[-1]:.3f}s, rows written {sum(result.counts.values())} "
                f"({dict(result.counts)}), rows for the seeded patients {written}"
            )
        self.stdout.write(
            f"{connection.vendor}: planning {patients} due patients: median "
            f"{statistics.median(timings):.3f}s over {rounds} passes"
        )
