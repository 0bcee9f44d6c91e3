"""/clinic/: today's worklist. Open alerts worst first, then progression suggestions,
then patients gone quiet (the
digest's rule), then invited patients who have not activated yet.

It lives here because "gone quiet" is the clinician digest's rule, and the digest is
this app's."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from config.web.access import ClinicianPageMixin
from notifications.services.digests import quiet_patients
from patients.models import AuditEvent, Patient
from patients.selectors.console import patients_not_activated
from programs.models import Alert
from programs.selectors.clinic import alerts_for_clinic
from programs.selectors.console import alert_views, open_alerts_worst_first
from programs.selectors.suggestions import open_suggestions_for_clinic

NOT_ACTIVATED_SHOWN = 20
SUGGESTIONS_SHOWN = 50


class WorklistView(ClinicianPageMixin, View):
    template_name = "notifications/console/worklist.html"

    def get(self, request):
        now = timezone.now()
        alerts = alert_views(open_alerts_worst_first(alerts_for_clinic(clinic_id=self.clinic_id)))
        alerted_missed = {
            v.alert.patient_id for v in alerts if v.alert.kind == Alert.Kind.MISSED_DAYS
        }
        quiet = [
            q
            for q in quiet_patients(Patient.objects.filter(clinic_id=self.clinic_id), now)
            if q.patient.pk not in alerted_missed
        ]
        quiet.sort(key=lambda q: -q.missed_days)
        suggestions = list(
            open_suggestions_for_clinic(clinic_id=self.clinic_id)[:SUGGESTIONS_SHOWN]
        )
        not_activated = list(patients_not_activated(clinic_id=self.clinic_id)[:NOT_ACTIVATED_SHOWN])
        self.audit(
            AuditEvent.Action.READ,
            [v.alert.patient_id for v in alerts]
            + [s.patient_id for s in suggestions]
            + [q.patient.pk for q in quiet]
            + [p.pk for p in not_activated],
        )
        return render(
            request,
            self.template_name,
            {
                "alerts": alerts,
                "suggestions": suggestions,
                "quiet": quiet,
                "quiet_days": settings.DIGEST_MISSED_DAYS,
                "not_activated": not_activated,
            },
        )
