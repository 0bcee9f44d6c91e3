"""/clinic/patients/{id}/: everything about one patient on one page.

It lives here because the page also answers "I never got a reminder" from the
delivery outbox, which is this app's; the rest comes from the programs selectors."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.views import View

from config.web.access import ClinicianPageMixin
from notifications.selectors import clinic_patient_with_devices, last_deliveries
from patients.models import AuditEvent
from patients.timezones import local_today
from programs.outcomes.selectors import outcomes_summary
from programs.selectors.clinic import adherence_report, patient_programs
from programs.selectors.console import patient_alerts, recent_logs, rtm_tier
from programs.services.alerts import HIGH_PAIN
from programs.web.present import (
    calendar_cells_html,
    calendar_days,
    calendar_weeks,
    day_rows_html,
    log_rows_html,
    pain_chart,
    pain_dots_html,
    pain_rows_html,
    status_counts,
)

HISTORY_DAYS = 90


class PatientPageView(ClinicianPageMixin, View):
    template_name = "notifications/console/patient.html"

    def get(self, request, pk):
        patient = clinic_patient_with_devices(patient_id=pk, clinic_id=self.clinic_id)
        if patient is None:
            raise Http404("No such patient in this clinic.")
        today = local_today(patient.timezone)
        start = today - dt.timedelta(days=HISTORY_DAYS - 1)
        programs = patient_programs(patient=patient)
        report = adherence_report(patient=patient, start=start, end=today)
        days = calendar_days(report.days, today=today, pauses=programs.pauses)
        chart = pain_chart(report.days, threshold=HIGH_PAIN)
        logs = recent_logs(patient=patient)
        outcomes = outcomes_summary(patient_id=patient.pk)
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return render(
            request,
            self.template_name,
            {
                "patient": patient,
                "today": today,
                "programs": programs.programs,
                "report": report,
                "calendar_cells": calendar_cells_html(calendar_weeks(days)),
                "day_rows": day_rows_html(days),
                "counts": status_counts(days),
                "chart": chart,
                "pain_rows": pain_rows_html(chart),
                "pain_dots": pain_dots_html(chart),
                "logs": logs,
                "log_rows": log_rows_html(logs, high_pain=HIGH_PAIN),
                "alerts": patient_alerts(patient=patient),
                "deliveries": last_deliveries(patient=patient),
                "devices": patient.active_devices,
                "outcomes": outcomes,
                "outcomes_answered": any(m["points"] for m in outcomes),
                "rtm_tier": rtm_tier(report.data_days_last_30),
                "activated": patient.user.has_usable_password(),
                "weekday_names": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            },
        )
