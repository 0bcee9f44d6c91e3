"""Sign-in forms: email + password, then (when set up) a six-digit code."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from patients.services.passwords import password_reset_request


class ConsoleSignInForm(AuthenticationForm):
    """Django's sign-in form, for clinic staff only, labelled as people read it."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Enter the email and password of a clinic account."),
        "not_staff": _("This sign-in is for clinic staff. Patients use the app."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not hasattr(user, "clinician"):
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Enter the six digits your app shows."))
        return token


class ClinicTwoFactorForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in for everyone in this clinic"), required=False
    )


class ResetRequestForm(PasswordResetForm):
    """The console's "forgot password" form, sending through the one reset service
    that the API uses too (the same email, link and rules for every account)."""

    def save(self, **kwargs) -> None:
        password_reset_request(email=self.cleaned_data["email"])
