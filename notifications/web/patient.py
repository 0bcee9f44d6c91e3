"""/clinic/patients/{id}/: everything about one patient on one page.

It lives here because the page also answers "I never got a reminder" from the
delivery outbox, which is this app's; the rest comes from the programs selectors."""

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.views import View

from config.web.access import ClinicianPageMixin
from notifications.models import Delivery, Device
from patients.models import AuditEvent, Patient
from patients.timezones import local_today
from programs.outcomes.selectors import outcomes_summary
from programs.selectors.clinic import adherence_report, programs_for_patient
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
DELIVERIES_SHOWN = 14


class PatientPageView(ClinicianPageMixin, View):
    template_name = "notifications/console/patient.html"

    def get(self, request, pk):
        # The patient's active push devices are counted in the same row.
        patient = self.clinic_patient(
            pk,
            patients=Patient.objects.annotate(
                active_devices=Coalesce(
                    Subquery(
                        Device.objects.filter(patient=OuterRef("pk"), active=True)
                        .order_by()
                        .values("patient")
                        .annotate(n=Count("pk"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    Value(0),
                )
            ),
        )
        today = local_today(patient.timezone)
        start = today - dt.timedelta(days=HISTORY_DAYS - 1)
        programs = list(programs_for_patient(patient=patient))
        report = adherence_report(patient=patient, start=start, end=today)
        pauses = [(p.start, p.end) for program in programs for p in program.pauses.all()]
        days = calendar_days(report.days, today=today, pauses=pauses)
        chart = pain_chart(report.days, threshold=HIGH_PAIN)
        deliveries = list(
            Delivery.objects.filter(patient=patient).order_by("-local_date", "channel")[
                :DELIVERIES_SHOWN
            ]
        )
        logs = recent_logs(patient=patient)
        outcomes = outcomes_summary(patient_id=patient.pk)
        self.audit(AuditEvent.Action.READ, [patient.pk])
        return render(
            request,
            self.template_name,
            {
                "patient": patient,
                "today": today,
                "programs": programs,
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
                "deliveries": deliveries,
                "devices": patient.active_devices,
                "outcomes": outcomes,
                "outcomes_answered": any(m["points"] for m in outcomes),
                "rtm_tier": rtm_tier(report.data_days_last_30),
                "activated": patient.user.has_usable_password(),
                "weekday_names": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            },
        )
