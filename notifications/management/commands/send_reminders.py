"""One planning and sending pass now, in this process (no worker needed), in chunks
of REMINDER_SEND_CHUNK like the workers'.

uv run python manage.py send_reminders
uv run python manage.py send_reminders --dry-run [--at 2026-03-08T07:30:00Z]
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications.models import Delivery
from notifications.services.planning import reminders_plan, reminders_preview
from notifications.services.sending import deliveries_send


def parse_instant(value: str) -> dt.datetime:
    parsed = parse_datetime(value.replace("Z", "+00:00"))
    if parsed is None:
        raise CommandError(
            f"--at must be an ISO 8601 instant like 2026-03-08T07:30:00Z, not {value!r}"
        )
    if timezone.is_naive(parsed):
        raise CommandError("--at needs an offset or Z (instants are UTC)")
    return parsed.astimezone(dt.UTC)


class Command(BaseCommand):
    help = "Plan the reminders due now and send them in-process; --dry-run only lists them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be reminded; write nothing."
        )
        parser.add_argument(
            "--at", help="With --dry-run: answer for this instant (ISO 8601, e.g. ...T07:30:00Z)."
        )

    def handle(self, *args, dry_run: bool, at: str | None, **options):
        if at and not dry_run:
            raise CommandError("--at only works with --dry-run (a real pass always runs now)")
        now = parse_instant(at) if at else timezone.now()
        if dry_run:
            self.dry_run(now)
        else:
            self.run(now)

    def dry_run(self, now: dt.datetime) -> None:
        rows = reminders_preview(now=now)
        for row in rows:
            what = f"skip ({row.skip_reason})" if row.skip_reason else "send"
            self.stdout.write(
                f"{row.local_date} {row.channel:<5} patient {row.patient_id} <{row.email}> "
                f"[{row.timezone}]: {what}"
            )
        to_send = sum(1 for r in rows if not r.skip_reason)
        self.stdout.write(
            f"dry run at {now.isoformat()}: {to_send} to send, {len(rows) - to_send} to skip; "
            "nothing written"
        )

    def run(self, now: dt.datetime) -> None:
        plan = reminders_plan(now=now, enqueue=None)
        sent = failed = retry = 0
        # The workers' path: the same chunks, each claimed as a lease and renewed while
        # it is sent, so a beat tick or another command running meanwhile takes nothing
        # this one holds.
        ids = sorted(plan.to_send)
        chunk = settings.REMINDER_SEND_CHUNK
        for start in range(0, len(ids), chunk):
            result = deliveries_send(delivery_ids=ids[start : start + chunk])
            sent, failed, retry = (
                sent + len(result.sent),
                failed + len(result.failed),
                retry + len(result.retry),
            )
        rows = (
            Delivery.objects.filter(pk__in=plan.row_ids + plan.recovered_ids)
            .select_related("patient__user")
            .order_by("local_date", "patient_id", "channel")
        )
        for row in rows:
            detail = row.skip_reason or row.last_error or row.provider_message_id
            self.stdout.write(
                f"{row.local_date} {row.channel:<5} patient {row.patient_id} "
                f"<{row.patient.user.email}>: {row.status}{f' ({detail})' if detail else ''}"
            )
        skipped = plan.counts.get(Delivery.Status.SKIPPED, 0)
        self.stdout.write(
            f"planned {sum(plan.counts.values())} row(s) at {now.isoformat()}: sent {sent}, "
            f"failed {failed}, to retry {retry}, skipped {skipped} at planning"
        )
