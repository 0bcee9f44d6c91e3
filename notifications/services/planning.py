"""Planning: which reminders are due now, written to the outbox in bulk.

One pass, whatever the number of patients:
1. one query for the time zones in use; each zone's local date and time are
   computed here, in Python (zoneinfo handles DST gaps, folds and odd offsets);
2. per local date in use (at most three at any instant) and per channel, one
   `INSERT ... SELECT ... ON CONFLICT DO NOTHING` whose SELECT holds every rule
   of reminders.md as per-zone SQL conditions, so no row is built in Python;
3. the same for the days that just ended (rows still missing become `missed` or
   `quiet_hours`: never sent late);
4. one query for rows left behind by dead workers.
A check-in due on D and not yet answered counts as work left on D, like an
unfinished exercise (programs.outcomes.reminding): the patient hears of it in the
day's one reminder per channel.
The unique (patient, local_date, channel) constraint makes concurrent passes,
retries and a second beat harmless. Sending is enqueued after commit, in chunks.

Time rules, with local wall time L and reminder time R on date D:
- due once L >= R: a time in the spring-forward gap fires at the first minute
  after the gap; a time that occurs twice fires at the first, and the unique row
  stops the second;
- not while L is inside quiet hours: a reminder waits for their end on D, and a
  day that ends inside them is closed as `quiet_hours`.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from notifications.models import Delivery, Device
from patients.models import Patient
from patients.timezones import ZoneClock, zone_clock
from programs.outcomes.reminding import has_checkin_due
from programs.scheduling import has_scheduled_work, has_unfinished_work

Channel = Delivery.Channel
Status = Delivery.Status
Reason = Delivery.SkipReason


@dataclass
class PlanResult:
    counts: Counter = field(default_factory=Counter)
    row_ids: list[int] = field(default_factory=list)
    pending_ids: list[int] = field(default_factory=list)
    recovered_ids: list[int] = field(default_factory=list)

    @property
    def to_send(self) -> list[int]:
        return self.pending_ids + self.recovered_ids


@dataclass(frozen=True)
class PlannedRow:
    """One row a pass would write (the dry run prints these)."""

    patient_id: int
    email: str
    timezone: str
    local_date: dt.date
    channel: str
    status: str
    skip_reason: str


def zone_clocks(*, now: dt.datetime) -> list[ZoneClock]:
    names = (
        Patient.objects.filter(reminders_enabled=True)
        .order_by()
        .values_list("timezone", flat=True)
        .distinct()
    )
    return [zone_clock(name, now) for name in names]


def in_quiet_hours_q(at: dt.time) -> Q:
    """Patients whose quiet hours contain local time `at` (end exclusive; may cross midnight)."""
    same_day = Q(quiet_start__lt=F("quiet_end"), quiet_start__lte=at, quiet_end__gt=at)
    overnight = Q(quiet_start__gt=F("quiet_end")) & (Q(quiet_start__lte=at) | Q(quiet_end__gt=at))
    return Q(quiet_start__isnull=False) & (same_day | overnight)


def due_now_q(clock: ZoneClock) -> Q:
    return Q(timezone=clock.name, reminder_time__lte=clock.time) & (
        Q(quiet_start__isnull=True) | ~in_quiet_hours_q(clock.time)
    )


def _channel_enabled_q(channel: str) -> Q:
    return Q(remind_by_email=True) if channel == Channel.EMAIL else Q(remind_by_push=True)


def _unreachable(channel: str) -> tuple[Q | Exists, str]:
    if channel == Channel.EMAIL:
        return (
            Q(email_unsubscribed_at__isnull=False) | Q(email_bounced_at__isnull=False),
            Reason.UNSUBSCRIBED,
        )
    active_device = Device.objects.filter(patient=OuterRef("pk"), active=True)
    return ~Exists(active_device), Reason.NO_DEVICE


def _candidates(zone_q: Q, day: dt.date, channel: str) -> QuerySet[Patient]:
    """Patients matching `zone_q` with C enabled and no row yet for (day, C)."""
    existing = Delivery.objects.filter(patient=OuterRef("pk"), local_date=day, channel=channel)
    return (
        Patient.objects.order_by()
        .filter(zone_q, _channel_enabled_q(channel), reminders_enabled=True, user__is_active=True)
        .filter(~Exists(existing))
    )


def due_today(clocks: list[ZoneClock], day: dt.date, channel: str) -> QuerySet[Patient]:
    """Patients due now on `day`, annotated with the reason to skip ('' = send)."""
    due = Q()
    for clock in clocks:
        due |= due_now_q(clock)
    unreachable, unreachable_reason = _unreachable(channel)
    unfinished = has_unfinished_work(day, day)
    checkin = has_checkin_due(day)
    return (
        _candidates(due, day, channel)
        .filter(has_scheduled_work(day, day) | checkin)
        .annotate(
            planned_reason=Case(
                When(~unfinished & ~checkin, then=Value(Reason.COMPLETED)),
                When(unreachable, then=Value(unreachable_reason)),
                default=Value(""),
                output_field=CharField(),
            )
        )
    )


def ended_unsent(clocks: list[ZoneClock], day: dt.date, channel: str) -> QuerySet[Patient]:
    """Patients whose local `day` ended with work left and no row: closed, never sent late.

    Only patients who already existed when that day ended: a new account has no past.
    """
    existed = Q()
    for clock in clocks:
        existed |= Q(timezone=clock.name, created_at__lt=clock.day_start)
    unreachable, unreachable_reason = _unreachable(channel)
    quiet_until_midnight = Q(quiet_start__gt=F("quiet_end"), reminder_time__gte=F("quiet_start"))
    return (
        _candidates(existed, day, channel)
        .filter(has_unfinished_work(day, day + dt.timedelta(days=1)) | has_checkin_due(day))
        .annotate(
            planned_reason=Case(
                When(unreachable, then=Value(unreachable_reason)),
                When(quiet_until_midnight, then=Value(Reason.QUIET_HOURS)),
                default=Value(Reason.MISSED),
                output_field=CharField(),
            ),
        )
    )


def _passes(clocks: list[ZoneClock]):
    """(day, queryset factory) for every statement of a pass: today's, then days that ended."""
    by_date: dict[dt.date, list[ZoneClock]] = defaultdict(list)
    for clock in clocks:
        by_date[clock.date].append(clock)
    for day, day_clocks in sorted(by_date.items()):
        for channel in (Channel.EMAIL, Channel.PUSH):
            yield day, channel, due_today(day_clocks, day, channel)
    ended: dict[dt.date, list[ZoneClock]] = defaultdict(list)
    for clock in clocks:
        for back in range(1, settings.REMINDER_MISSED_LOOKBACK_DAYS + 1):
            ended[clock.date - dt.timedelta(days=back)].append(clock)
    for day, day_clocks in sorted(ended.items()):
        for channel in (Channel.EMAIL, Channel.PUSH):
            yield day, channel, ended_unsent(day_clocks, day, channel)


def _insert_rows(qs: QuerySet[Patient], day: dt.date, channel: str, now: dt.datetime):
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING id, status."""
    select_sql, select_params = qs.values(
        pid=F("pk"), why=F("planned_reason")
    ).query.sql_with_params()
    ops = connection.ops
    table = Delivery._meta.db_table
    stamp = ops.adapt_datetimefield_value(now)
    # `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    sql = (
        f"INSERT INTO {table} (patient_id, local_date, channel, status, skip_reason, attempts,"  # noqa: S608
        " last_error, provider_message_id, due_at, created_at, finished_at)"
        " SELECT due.pid, %s, %s, CASE WHEN due.why = '' THEN %s ELSE %s END, due.why, 0, '', '',"
        " %s, %s, CASE WHEN due.why = '' THEN NULL ELSE %s END"
        f" FROM ({select_sql}) due WHERE true"
        " ON CONFLICT DO NOTHING RETURNING id, status"
    )
    params = (
        ops.adapt_datefield_value(day),
        channel,
        Status.PENDING,
        Status.SKIPPED,
        stamp,
        stamp,
        stamp,
        *select_params,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def stale_delivery_ids(*, now: dt.datetime, limit: int = 20_000) -> list[int]:
    """Rows a dead worker left `sending`, or `pending` rows whose task was lost."""
    cutoff = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
    oldest_day = (now - dt.timedelta(days=2)).date()
    return list(
        Delivery.objects.filter(
            Q(status=Status.SENDING, claimed_at__lt=cutoff)
            | Q(status=Status.PENDING, due_at__lt=cutoff, claimed_at__isnull=True)
            | Q(status=Status.PENDING, claimed_at__lt=cutoff),
            local_date__gte=oldest_day,
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def enqueue_sending(ids: list[int]) -> None:
    from notifications.tasks import send_deliveries

    chunk = settings.REMINDER_SEND_CHUNK
    options = {"queue": settings.REMINDER_SEND_QUEUE} if settings.REMINDER_SEND_QUEUE else {}
    for start in range(0, len(ids), chunk):
        send_deliveries.apply_async(args=(ids[start : start + chunk],), **options)


def reminders_plan(
    *,
    now: dt.datetime | None = None,
    enqueue: Callable[[list[int]], None] | None = enqueue_sending,
) -> PlanResult:
    """Write every reminder due at `now` (and close days that ended); enqueue sending."""
    now = now or timezone.now()
    result = PlanResult()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The correlated subqueries inflate cost estimates past jit_above_cost, and
            # compiling the plan takes far longer (seconds) than running it (ms).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        clocks = zone_clocks(now=now)
        for day, channel, qs in _passes(clocks):
            for row_id, status in _insert_rows(qs, day, channel, now):
                result.counts[status] += 1
                result.row_ids.append(row_id)
                if status == Status.PENDING:
                    result.pending_ids.append(row_id)
        planned = set(result.pending_ids)
        result.recovered_ids = [i for i in stale_delivery_ids(now=now) if i not in planned]
        if enqueue is not None and result.to_send:
            ids = sorted(result.to_send)
            transaction.on_commit(lambda: enqueue(ids))
    return result


def reminders_preview(*, now: dt.datetime | None = None) -> list[PlannedRow]:
    """What a pass at `now` would write, without writing anything."""
    now = now or timezone.now()
    rows = []
    for day, channel, qs in _passes(zone_clocks(now=now)):
        for values in qs.values("pk", "user__email", "timezone", "planned_reason"):
            reason = values["planned_reason"]
            rows.append(
                PlannedRow(
                    patient_id=values["pk"],
                    email=values["user__email"],
                    timezone=values["timezone"],
                    local_date=day,
                    channel=channel,
                    status=Status.SKIPPED if reason else Status.PENDING,
                    skip_reason=reason,
                )
            )
    return sorted(rows, key=lambda r: (r.local_date, r.patient_id, r.channel))
