"""Reads the console's pages need beyond the API's selectors, in constant queries."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from config.db import CompiledQuery
from patients.models import Patient
from programs.adherence import recent_logged_days
from programs.models import Alert, ExerciseLog
from programs.selectors.clinic import (
    RTM_BILLABLE_DAYS,
    RTM_WINDOW_DAYS,
    last_7_days_rates,
    patients_with_activity,
)
from programs.services.alerts import HIGH_PAIN

# Open alerts read worst first: pain now, pain trending up, then silence.
KIND_ORDER = {Alert.Kind.HIGH_PAIN: 0, Alert.Kind.PAIN_RISING: 1, Alert.Kind.MISSED_DAYS: 2}


@dataclass(frozen=True)
class AlertView:
    """An alert with what a clinician needs to act on it: the log behind a high-pain
    alert (its exercise and the patient's note) and the figure that raised it."""

    alert: Alert
    exercise: str | None
    note: str
    figure: str


def _figure(alert: Alert) -> str:
    detail = alert.detail or {}
    if alert.kind == Alert.Kind.HIGH_PAIN:
        return f"Pain {detail.get('pain', '?')}/10 (alert at {HIGH_PAIN}+)"
    if alert.kind == Alert.Kind.PAIN_RISING:
        return (
            f"Average pain {detail.get('previous_average', '?')} → "
            f"{detail.get('recent_average', '?')} over {detail.get('window_days', 7)} days"
        )
    days = detail.get("days", [])
    return f"{len(days)} scheduled days in a row with nothing done" + (
        f" (last {days[-1]})" if days else ""
    )


def alert_views(alerts: Sequence[Alert]) -> list[AlertView]:
    """Each alert with its log's exercise and note: one query for all of them."""
    log_ids = [a.detail.get("log_id") for a in alerts if a.detail and a.detail.get("log_id")]
    # No alert names a log (most patients, most pages): not even an empty query to build.
    logs = (
        {
            str(log.pk): log
            for log in ExerciseLog.objects.filter(pk__in=log_ids).select_related("item__exercise")
        }
        if log_ids
        else {}
    )
    views = []
    for alert in alerts:
        log = logs.get(str((alert.detail or {}).get("log_id")))
        views.append(
            AlertView(
                alert=alert,
                exercise=log.item.exercise.name if log else None,
                note=log.note if log else "",
                figure=_figure(alert),
            )
        )
    return views


def open_alerts_worst_first(alerts: QuerySet[Alert]) -> list[Alert]:
    found = list(alerts.filter(status=Alert.Status.OPEN))
    return sorted(found, key=lambda a: (KIND_ORDER.get(a.kind, 9), -a.created_at.timestamp()))


# --- Patient list ----------------------------------------------------------------
RTM_LOWER_TIER_DAYS = 2  # 2026 RTM device-supply codes: 2-15 data days, or 16+


@dataclass(frozen=True)
class RemoteMonitoring:
    data_days: int
    latest_pain: float | None  # the latest day's average of reported pain
    latest_pain_on: dt.date | None

    @property
    def tier(self) -> str | None:
        return rtm_tier(self.data_days)


def rtm_tier(data_days: int) -> str | None:
    """Which 2026 RTM data-day tier a 30-day period reaches, if any."""
    if data_days >= RTM_BILLABLE_DAYS:
        return f"{RTM_BILLABLE_DAYS}+ days"
    if data_days >= RTM_LOWER_TIER_DAYS:
        return f"{RTM_LOWER_TIER_DAYS}-{RTM_BILLABLE_DAYS - 1} days"
    return None


def remote_monitoring(
    *, patients: Sequence[Patient], now: dt.datetime | None = None
) -> dict[int, RemoteMonitoring]:
    """Data days in each patient's current 30-day period (the days with any log, as
    the adherence report counts them) and their latest reported pain: one query."""
    found = {}
    logged = recent_logged_days(patients=patients, days=RTM_WINDOW_DAYS, now=now)
    for patient_id, pains in logged.items():
        latest_on = max((day for day, pain in pains.items() if pain is not None), default=None)
        found[patient_id] = RemoteMonitoring(
            data_days=len(pains),
            latest_pain=None if latest_on is None else pains[latest_on],
            latest_pain_on=latest_on,
        )
    return found


@dataclass(frozen=True)
class PatientRow:
    patient: Patient
    last_7_days: float | None
    monitoring: RemoteMonitoring

    @property
    def bar_step(self) -> int:
        """The adherence bar's width in tens of percent (CSS classes w0..w100)."""
        return 0 if self.last_7_days is None else int(round(self.last_7_days / 10) * 10)

    @property
    def high_pain(self) -> bool:
        pain = self.monitoring.latest_pain
        return pain is not None and pain >= HIGH_PAIN


def patient_rows(
    *, patients: Sequence[Patient], now: dt.datetime | None = None
) -> list[PatientRow]:
    """The list's columns for the patients given, in a fixed number of queries: the
    API's activity and 7-day rate, plus data days and latest pain."""
    patients_with_activity(patients=patients)
    rates = last_7_days_rates(patients=patients, now=now)
    monitoring = remote_monitoring(patients=patients, now=now)
    return [
        PatientRow(patient=p, last_7_days=rates.get(p.pk), monitoring=monitoring[p.pk])
        for p in patients
    ]


SORT_VALUES = {
    "adherence": lambda row: row.last_7_days,
    "last_log": lambda row: row.patient.last_log_at,
    "pain": lambda row: row.monitoring.latest_pain,
    "alerts": lambda row: row.patient.open_alerts,
    "rtm": lambda row: row.monitoring.data_days,
}


def rows_sorted(rows: list[PatientRow], *, by: str, descending: bool) -> list[PatientRow]:
    """Rows by one column; patients without a value go last either way."""
    value = SORT_VALUES[by]
    known = [row for row in rows if value(row) is not None]
    unknown = [row for row in rows if value(row) is None]
    return sorted(known, key=value, reverse=descending) + unknown


# --- A patient's page --------------------------------------------------------------
RECENT_LOGS = 30


class LogRow(NamedTuple):
    """One row of a patient page's logs table: what it shows, nothing more."""

    date: dt.date
    completed: bool
    sets_done: int | None
    reps_done: int | None
    pain: int | None
    difficulty: int | None
    note: str
    exercise: str


_RECENT_LOGS = CompiledQuery(
    lambda patient_id: (
        ExerciseLog.objects.filter(patient_id=patient_id)
        .order_by("-performed_at")
        .values_list(*LogRow._fields[:-1], "item__exercise__name")[:RECENT_LOGS]
    ),
    arity=1,
)
RESOLVED_ALERTS_SHOWN = 20
# Every open alert and the latest resolved ones, each row with how many its status
# has in all; who resolved them is prefetched, which asks nothing when none was.
_PATIENT_ALERTS = CompiledQuery(
    lambda patient_id: (
        Alert.objects.filter(patient_id=patient_id)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("created_at").desc(), F("id").desc()],
            ),
            of_status=Window(Count("id"), partition_by=[F("status")]),
        )
        .filter(Q(status=Alert.Status.OPEN) | Q(place__lte=RESOLVED_ALERTS_SHOWN))
        .prefetch_related("resolved_by")
        .order_by("status", "-created_at", "-id")
    ),
    arity=1,
)
_ALERT_PATIENT = Alert._meta.get_field("patient")


def recent_logs(*, patient: Patient) -> list[LogRow]:
    """The patient's latest RECENT_LOGS logs, newest first, as plain rows: a model
    instance per log (with its line and exercise) cost more than the page's whole
    table."""
    return [LogRow._make(row) for row in _RECENT_LOGS(patient.pk)]


@dataclass(frozen=True)
class PatientAlerts:
    views: list[AlertView]  # open first, then resolved, newest first
    older_resolved: int  # resolved alerts beyond the RESOLVED_ALERTS_SHOWN latest


def patient_alerts(*, patient: Patient) -> PatientAlerts:
    """Every open alert and the RESOLVED_ALERTS_SHOWN latest resolved ones, in one
    statement; each alert's `patient` is the one given, not a second copy joined in."""
    alerts = _PATIENT_ALERTS(patient.pk)
    for alert in alerts:
        _ALERT_PATIENT.set_cached_value(alert, patient)
    # Resolved rows come last, each with its status's count.
    resolved = alerts[-1].of_status if alerts and alerts[-1].status == Alert.Status.RESOLVED else 0
    return PatientAlerts(
        views=alert_views(alerts), older_resolved=max(0, resolved - RESOLVED_ALERTS_SHOWN)
    )


# --- Program history ---------------------------------------------------------------
def program_item_rows(*, program) -> list:
    """Every row of every version of the program's lines, oldest version first."""
    from programs.models import ProgramItem

    return list(
        ProgramItem.objects.filter(program=program)
        .select_related("exercise")
        .order_by("version", "order", "id")
    )
