"""Progression suggestions in the console: accept or dismiss one in place, through
the same services as the API."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from config.web.access import ClinicianPageMixin
from patients.models import AuditEvent
from programs.selectors.suggestions import suggestions_for_clinic
from programs.services.programs import ProgramStateError
from programs.services.suggestions import SuggestionClosed, suggestion_accept, suggestion_dismiss


class SuggestionDecideView(ClinicianPageMixin, View):
    """POST to accept or dismiss. An htmx request gets the decided card back; a plain
    form post goes back to the page it came from."""

    def post(self, request, pk, action):
        suggestion = get_object_or_404(suggestions_for_clinic(clinic_id=self.clinic_id), pk=pk)
        error = None
        try:
            if action == "accept":
                suggestion_accept(suggestion=suggestion, by=request.user)
            else:
                suggestion_dismiss(suggestion=suggestion, by=request.user)
        except (SuggestionClosed, ProgramStateError) as exc:
            error = str(exc)
        else:
            self.audit(AuditEvent.Action.UPDATE, [suggestion.patient_id])
        suggestion = suggestions_for_clinic(clinic_id=self.clinic_id).get(pk=pk)
        if request.htmx:
            return render(
                request,
                "programs/includes/suggestion_card.html",
                {"suggestion": suggestion, "error": error},
            )
        if error:
            messages.error(request, error)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "console-home"
        return redirect(target)
