"""The page an email-change link opens: GET shows a button, POST applies the change.

GET changes nothing, because mail scanners follow links. No sign-in is needed: the
signed link is the proof that the reader holds the new address.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patients.services.email_change import (
    EmailChangeLinkInvalid,
    EmailChangeRefused,
    email_change_confirm,
    email_change_pending,
)

TEMPLATE = "patients/email_change_page.html"


@require_http_methods(["GET", "POST"])
def email_change_page(request, token: str):
    try:
        if request.method == "POST":
            patient = email_change_confirm(token=token)
            context = {"state": "done", "title": _("Your email address is changed")}
        else:
            patient = email_change_pending(token=token)
            context = {"state": "confirm", "title": _("Confirm your new email address")}
    except EmailChangeLinkInvalid:
        context = {"state": "invalid", "title": _("This link does not work")}
        return render(request, TEMPLATE, context, status=404)
    except EmailChangeRefused:
        context = {"state": "refused", "title": _("This address is already in use")}
        return render(request, TEMPLATE, context, status=409)
    context.update(clinic_name=patient.clinic.name, activated=patient.user.has_usable_password())
    response = render(request, TEMPLATE, context)
    response["X-Robots-Tag"] = "noindex"
    return response
