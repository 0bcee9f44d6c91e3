"""Console forms for a clinic's patients."""

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.timezones import iana_zone_names


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(iana_zone_names())]


class PatientAddForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Enter the patient's first name.")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={"required": _("Enter the patient's last name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        error_messages={
            "required": _("Enter the patient's email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        help_text=_("The invite with their activation code goes here."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Where the patient lives: reminders follow their local time."),
        choices=zone_choices,
    )
