"""Sign-in pages of the console, under /clinic/."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from config.web import views
from config.web.forms import ResetRequestForm

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="console-login"),
    path("logout/", views.SignOutView.as_view(), name="console-logout"),
    path("verify/", views.VerifyView.as_view(), name="console-verify"),
    path("account/", views.AccountView.as_view(), name="console-account"),
    path(
        "account/two-factor/",
        views.TwoFactorSetupView.as_view(),
        name="console-two-factor-setup",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetRequestForm,
            success_url=reverse_lazy("console-password-reset-sent"),
        ),
        name="console-password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="console-password-reset-sent",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("console-password-reset-complete")
        ),
        name="console-password-reset-confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="console-password-reset-complete",
    ),
]
