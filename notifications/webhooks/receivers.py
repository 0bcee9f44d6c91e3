"""From the lower apps' signals to webhook outbox rows (inside their transaction)."""

from notifications.webhooks.models import WebhookEvent
from notifications.webhooks.outbox import webhook_event_emit, webhook_events_emit
from patients.signals import patient_activated
from programs import signals


def _on_patient_activated(sender, patient, **kwargs):
    webhook_event_emit(
        clinic_id=patient.clinic_id,
        event_type=WebhookEvent.PATIENT_ACTIVATED,
        data={"patient_id": patient.pk},
    )


def _program_data(program) -> dict:
    return {
        "patient_id": program.patient_id,
        "program_id": program.pk,
        "version": program.version,
        "status": program.status,
    }


def _on_program_assigned(sender, program, **kwargs):
    webhook_event_emit(
        clinic_id=program.patient.clinic_id,
        event_type=WebhookEvent.PROGRAM_ASSIGNED,
        data=_program_data(program),
    )


def _on_program_updated(sender, program, change, **kwargs):
    webhook_event_emit(
        clinic_id=program.patient.clinic_id,
        event_type=WebhookEvent.PROGRAM_UPDATED,
        data={**_program_data(program), "change": change},
    )


def _on_logs_created(sender, patient, logs, rtm_reached=(), **kwargs):
    """One log.created per upload, and the RTM tiers it crossed, in one write."""
    dates = sorted({log.date for log in logs})
    events = [
        (
            patient.clinic_id,
            WebhookEvent.LOG_CREATED,
            {
                "patient_id": patient.pk,
                "count": len(logs),
                "log_ids": [str(log.pk) for log in logs],
                "from_date": dates[0].isoformat(),
                "to_date": dates[-1].isoformat(),
            },
        )
    ]
    events += [
        (
            patient.clinic_id,
            WebhookEvent.RTM_THRESHOLD_REACHED,
            {
                "patient_id": patient.pk,
                "tier": reached["tier"],
                "period_start": reached["period_start"].isoformat(),
                "period_end": reached["period_end"].isoformat(),
                "data_days": reached["data_days"],
            },
        )
        for reached in rtm_reached
    ]
    webhook_events_emit(events=events)


def _alert_data(alert) -> dict:
    return {"alert_id": alert.pk, "patient_id": alert.patient_id, "kind": alert.kind}


def _on_alerts_opened(sender, alerts, **kwargs):
    webhook_events_emit(
        events=[
            (alert.clinic_id, WebhookEvent.ALERT_OPENED, _alert_data(alert)) for alert in alerts
        ]
    )


def _on_alert_resolved(sender, alert, **kwargs):
    webhook_event_emit(
        clinic_id=alert.clinic_id, event_type=WebhookEvent.ALERT_RESOLVED, data=_alert_data(alert)
    )


def connect() -> None:
    uid = "notifications.webhooks"
    patient_activated.connect(_on_patient_activated, dispatch_uid=f"{uid}.patient_activated")
    signals.program_assigned.connect(_on_program_assigned, dispatch_uid=f"{uid}.assigned")
    signals.program_updated.connect(_on_program_updated, dispatch_uid=f"{uid}.updated")
    signals.logs_created.connect(_on_logs_created, dispatch_uid=f"{uid}.logs")
    signals.alerts_opened.connect(_on_alerts_opened, dispatch_uid=f"{uid}.alerts_opened")
    signals.alert_resolved.connect(_on_alert_resolved, dispatch_uid=f"{uid}.alert_resolved")
