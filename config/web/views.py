"""Sign in, sign out, second factor and account security for the console."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.web.access import ClinicianPageMixin
from config.web.forms import ClinicTwoFactorForm, ConsoleSignInForm, TokenForm
from config.web.two_factor import clinic_requires_two_factor
from patients.services.two_factor import (
    clinic_two_factor_set,
    totp_device_confirm,
    totp_device_pending,
    totp_devices_remove,
    totp_key_text,
)


def _next_url(request, default: str = "console-home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = ConsoleSignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """GET asks for confirmation (signing out changes state, so it takes a POST)."""

    http_method_names = ["get", "post", "options"]
    next_page = reverse_lazy("console-login")

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("console-login")
        return render(request, "registration/logout_confirm.html")


class VerifyView(LoginRequiredMixin, View):
    """Second step of signing in: a code from the authenticator app."""

    template_name = "registration/verify.html"

    def device(self, request) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=request.user, confirmed=True).first()

    def get(self, request):
        if self.device(request) is None:
            return redirect(_next_url(request))
        return render(
            request, self.template_name, {"form": TokenForm(), "next": _next_url(request)}
        )

    def post(self, request):
        device = self.device(request)
        if device is None:
            return redirect(_next_url(request))
        form = TokenForm(request.POST)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("token", _("That code did not match. Try the newest code."))
        return render(
            request, self.template_name, {"form": form, "next": _next_url(request)}, status=400
        )


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Scan a QR code (or type the key), then confirm with a first code."""

    template_name = "registration/two_factor_setup.html"

    def context(self, request, form):
        import segno

        device = totp_device_pending(user=request.user)
        return {
            "form": form,
            "next": _next_url(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, title=_("QR code for your authenticator app"), dark="#111"
            ),
            "key_text": totp_key_text(device),
            "required": clinic_requires_two_factor(request.user),
            "has_device": user_has_device(request.user),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request, TokenForm()))

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = totp_device_pending(user=request.user)
            if totp_device_confirm(device=device, token=form.cleaned_data["token"]):
                otp_login(request, device)
                messages.success(request, _("Two-factor sign-in is on for your account."))
                return redirect(_next_url(request, "console-account"))
            form.add_error("token", _("That code did not match. Try the newest code."))
        return render(request, self.template_name, self.context(request, form), status=400)


class AccountView(ClinicianPageMixin, View):
    """The clinician's own security settings; an owner also sets the clinic's rule."""

    template_name = "console/account.html"

    def context(self, request, clinic_form=None):
        clinic = self.clinician.clinic
        return {
            "has_device": user_has_device(request.user),
            "clinic": clinic,
            "is_owner": self.clinician.is_owner,
            "clinic_form": clinic_form
            or ClinicTwoFactorForm(initial={"require_two_factor": clinic.require_two_factor}),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        action = request.POST.get("action")
        if action == "remove-device" and not self.clinician.clinic.require_two_factor:
            totp_devices_remove(user=request.user)
            messages.success(request, _("Two-factor sign-in is off for your account."))
            return redirect("console-account")
        if action == "clinic-rule" and self.clinician.is_owner:
            form = ClinicTwoFactorForm(request.POST)
            if form.is_valid():
                clinic_two_factor_set(
                    clinic=self.clinician.clinic,
                    by=self.clinician,
                    required=form.cleaned_data["require_two_factor"],
                )
                messages.success(request, _("The clinic's sign-in rule is saved."))
                return redirect("console-account")
        return render(request, self.template_name, self.context(request), status=400)
