"""Alerts that surface patients to their clinician: high pain, missed days, rising pain.

Each alert is created once: a partial unique constraint allows one open alert per
(patient, kind), and it stays open until a clinician resolves it.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from patients.models import Patient
from patients.timezones import local_today
from programs.adherence import DayStatus, day_statuses
from programs.models import Alert, ExerciseLog, Program, ProgramItem
from programs.signals import alert_resolved, alerts_opened

HIGH_PAIN = 7


def _raise(*, patient_id: int, clinic_id: int, kind: str, date, detail: dict) -> bool:
    """Open an alert unless one of this kind is already open. True if created."""
    if Alert.objects.filter(patient_id=patient_id, kind=kind, status=Alert.Status.OPEN).exists():
        return False
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                patient_id=patient_id, clinic_id=clinic_id, kind=kind, date=date, detail=detail
            )
            alerts_opened.send(sender=Alert, alerts=[alert])
    except IntegrityError:  # another request opened the same alert a moment ago
        return False
    return True


def alerts_raise_high_pain(*, logs: Iterable[ExerciseLog], clinic_id: int) -> int:
    """At once, when logs arrive: pain >= 7 opens a high-pain alert for the patient.

    The alert names the exercise and carries the patient's note on that log, so the
    clinician reads what hurt and what the patient said without another lookup."""
    worst: dict[int, ExerciseLog] = {}
    for log in logs:
        if log.pain is None or log.pain < HIGH_PAIN:
            continue
        if log.patient_id not in worst or log.pain > worst[log.patient_id].pain:
            worst[log.patient_id] = log
    if not worst:
        return 0
    exercises = {
        row["pk"]: {"slug": row["exercise__slug"], "name": row["exercise__name"]}
        for row in ProgramItem.objects.filter(pk__in={log.item_id for log in worst.values()})
        .order_by()
        .values("pk", "exercise__slug", "exercise__name")
    }
    created = 0
    for patient_id, log in worst.items():
        detail = {
            "pain": log.pain,
            "log_id": str(log.pk),
            "item_id": log.item_id,
            "exercise": exercises.get(log.item_id),
            "note": log.note,
        }
        created += _raise(
            patient_id=patient_id,
            clinic_id=clinic_id,
            kind=Alert.Kind.HIGH_PAIN,
            date=log.date,
            detail=detail,
        )
    return created


# --- The daily pass ------------------------------------------------------------
MISSED_DAYS = 3  # consecutive scheduled days without a single completed exercise
MISSED_LOOKBACK_DAYS = 28  # enough to find 3 scheduled days of a once-a-week line
PAIN_WINDOW_DAYS = 7
PAIN_RISE = 2.0
CHUNK_SIZE = 500


def alerts_daily_pass(*, now: dt.datetime | None = None, chunk_size: int = CHUNK_SIZE) -> dict:
    """Open missed-days and pain-rising alerts, judged on each patient's local yesterday.

    - missed_days: the last 3 scheduled days, the last being yesterday, have no
      completed log at all.
    - pain_rising: the average pain of the 7 local days ending yesterday is at
      least 2 points above the 7 days before; both weeks need reports. A week's
      average is the mean of its daily averages.

    Patients are taken in chunks by id; each chunk costs a fixed number of queries
    (the patients, day_statuses' three, the open alerts, one INSERT). Returns
    {"patients": checked, "missed_days": created, "pain_rising": created}.
    """
    now = now or timezone.now()
    counts = {"patients": 0, Alert.Kind.MISSED_DAYS.value: 0, Alert.Kind.PAIN_RISING.value: 0}
    candidates = _patients_to_check(now)
    last_id = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last_id).order_by("pk")[:chunk_size])
        if not chunk:
            break
        last_id = chunk[-1].pk
        counts["patients"] += len(chunk)
        for kind, created in _pass_chunk(chunk, now).items():
            counts[kind] += created
    return counts


def _patients_to_check(now: dt.datetime):
    """Patients with a program still running, or with logs in the last two weeks."""
    recent = now.date() - dt.timedelta(days=2 * PAIN_WINDOW_DAYS + 2)
    return Patient.objects.filter(
        Exists(
            Program.objects.filter(
                patient=OuterRef("pk"),
                status__in=[Program.Status.ACTIVE, Program.Status.PAUSED],
            )
        )
        | Exists(ExerciseLog.objects.filter(patient=OuterRef("pk"), date__gte=recent))
    ).only("id", "clinic_id", "timezone")


def _pass_chunk(patients: list[Patient], now: dt.datetime) -> dict[str, int]:
    yesterday_of = {p.pk: local_today(p.timezone, now) - dt.timedelta(days=1) for p in patients}
    lookback = max(MISSED_LOOKBACK_DAYS, 2 * PAIN_WINDOW_DAYS)
    statuses = day_statuses(
        patients=patients,
        start=min(yesterday_of.values()) - dt.timedelta(days=lookback - 1),
        end=max(yesterday_of.values()),
        now=now,
    )
    found: list[Alert] = []
    for patient in patients:
        yesterday = yesterday_of[patient.pk]
        days = [day for day in statuses[patient.pk] if day.date <= yesterday]
        for kind, detail in (
            (Alert.Kind.MISSED_DAYS, _missed_days(days, yesterday)),
            (Alert.Kind.PAIN_RISING, _pain_rising(days, yesterday)),
        ):
            if detail is not None:
                found.append(
                    Alert(
                        patient_id=patient.pk,
                        clinic_id=patient.clinic_id,
                        kind=kind,
                        date=yesterday,
                        detail=detail,
                    )
                )
    if not found:
        return {}
    already_open = set(
        Alert.objects.filter(
            patient_id__in={alert.patient_id for alert in found}, status=Alert.Status.OPEN
        ).values_list("patient_id", "kind")
    )
    new = [alert for alert in found if (alert.patient_id, alert.kind) not in already_open]
    # A concurrent pass or request may open the same alert: the partial unique
    # constraint keeps one, and the conflicting row is skipped.
    with transaction.atomic():
        Alert.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            alerts_opened.send(sender=Alert, alerts=_opened_now(new))
    created: dict[str, int] = {}
    for alert in new:
        created[alert.kind] = created.get(alert.kind, 0) + 1
    return created


def _opened_now(alerts: list[Alert]) -> list[Alert]:
    """The rows bulk_create just wrote (it sets no ids when conflicts are ignored):
    the open alerts of those (patient, kind, date), one query."""
    wanted = {(alert.patient_id, alert.kind, alert.date) for alert in alerts}
    return [
        alert
        for alert in Alert.objects.filter(
            patient_id__in={key[0] for key in wanted}, status=Alert.Status.OPEN
        ).order_by("id")
        if (alert.patient_id, alert.kind, alert.date) in wanted
    ]


def _missed_days(days: list[DayStatus], yesterday: dt.date) -> dict | None:
    scheduled = [day for day in days if day.scheduled]
    last = scheduled[-MISSED_DAYS:]
    if len(last) < MISSED_DAYS or last[-1].date != yesterday:
        return None
    if any(day.done for day in last):
        return None
    return {"days": [day.date.isoformat() for day in last]}


def _pain_rising(days: list[DayStatus], yesterday: dt.date) -> dict | None:
    recent_start = yesterday - dt.timedelta(days=PAIN_WINDOW_DAYS - 1)
    before_start = recent_start - dt.timedelta(days=PAIN_WINDOW_DAYS)
    recent = [d.pain_average for d in days if d.date >= recent_start and d.pain_average is not None]
    before = [
        d.pain_average
        for d in days
        if before_start <= d.date < recent_start and d.pain_average is not None
    ]
    if not recent or not before:
        return None
    recent_average = round(sum(recent) / len(recent), 1)
    before_average = round(sum(before) / len(before), 1)
    if recent_average - before_average < PAIN_RISE:
        return None
    return {
        "recent_average": recent_average,
        "previous_average": before_average,
        "window_days": PAIN_WINDOW_DAYS,
    }


def alert_resolve(*, alert: Alert, by, now: dt.datetime | None = None) -> Alert:
    """Close an open alert; a later trigger of the same kind opens a new one."""
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, status=Alert.Status.OPEN).update(
            status=Alert.Status.RESOLVED, resolved_at=now or timezone.now(), resolved_by=by
        )
        if not updated:
            raise AlertAlreadyResolved()
        alert.refresh_from_db()
        alert_resolved.send(sender=Alert, alert=alert)
    return alert


class AlertAlreadyResolved(Exception):
    pass
