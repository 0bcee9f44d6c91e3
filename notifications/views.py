"""The one-click unsubscribe page at /u/<token> (RFC 8058).

GET only shows a confirmation button: mail scanners follow links, and a visit
must not unsubscribe anyone. POST unsubscribes at once, with no session and no
CSRF token, because mail providers POST `List-Unsubscribe=One-Click` themselves.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.services.unsubscribe import (
    patient_for_unsubscribe_token,
    patient_unsubscribe_email,
)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    patient = patient_for_unsubscribe_token(token=token)
    if patient is None:
        context = {"state": "invalid", "title": "This link does not work"}
        return render(request, "notifications/unsubscribe_page.html", context, status=404)
    if request.method == "POST":
        patient_unsubscribe_email(patient=patient)
        context = {"state": "done", "title": "You are unsubscribed"}
        return render(request, "notifications/unsubscribe_page.html", context)
    context = {
        "state": "confirm",
        "title": "Stop reminder emails?",
        "first_name": patient.user.first_name or "there",
    }
    response = render(request, "notifications/unsubscribe_page.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
