"""Alerts in the console: the open and resolved list, and resolving one in place."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from programs.models import Alert
from programs.selectors.clinic import alerts_for_clinic
from programs.selectors.console import alert_views, open_alerts_worst_first
from programs.services.alerts import AlertAlreadyResolved, alert_resolve

RESOLVED_PER_PAGE = 50


class AlertListView(ClinicianPageMixin, View):
    template_name = "programs/alerts.html"

    def get(self, request):
        alerts = alerts_for_clinic(clinic_id=self.clinic_id)
        open_alerts = alert_views(open_alerts_worst_first(alerts))
        resolved_page = Paginator(
            alerts.filter(status=Alert.Status.RESOLVED)
            .select_related("resolved_by")
            .order_by("-resolved_at", "-id"),
            RESOLVED_PER_PAGE,
        ).get_page(request.GET.get("page"))
        resolved = alert_views(list(resolved_page))
        self.audit(
            AuditEvent.Action.READ,
            [v.alert.patient_id for v in open_alerts] + [v.alert.patient_id for v in resolved],
        )
        return render(
            request,
            self.template_name,
            {"open_alerts": open_alerts, "resolved": resolved, "resolved_page": resolved_page},
        )


class AlertResolveView(ClinicianPageMixin, View):
    """POST: resolve. An htmx request gets the resolved card back; a plain form post
    goes back to the page it came from."""

    def post(self, request, pk):
        alert = get_object_or_404(alerts_for_clinic(clinic_id=self.clinic_id), pk=pk)
        try:
            alert = alert_resolve(alert=alert, by=request.user)
        except AlertAlreadyResolved:
            alert.refresh_from_db()
        self.audit(AuditEvent.Action.UPDATE, [alert.patient_id])
        if request.htmx:
            (view,) = alert_views([alert])
            return render(request, "programs/includes/alert_card.html", {"view": view})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "console-alerts"
        return redirect(target)
