"""Who: clinics (the tenant), their clinicians, patients and their invites."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from patients.timezones import validate_timezone_name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        # An address is on one active row at most; inactive rows may share it (an
        # invite that could not be used, see patients.services.patients).
        user = self.filter(email=email).order_by("-is_active", "pk").first()
        if user is None:
            raise self.model.DoesNotExist(f"No user with email {email!r}.")
        return user


class User(AbstractUser):
    """Everyone signs in with an email address; there is no username.

    An address belongs to one active account. Inactive rows may repeat it: a clinic
    that invites an address which already has an account elsewhere gets a patient
    whose account stays inactive (its invite cannot be redeemed), and the address's
    owner is told by email, so the clinic never learns the address was taken.
    """

    username = None
    email = models.EmailField("email address", db_index=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(is_active=True), name="user_email_ci_unique"
            )
        ]

    def __str__(self) -> str:
        return self.email


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Email is not the console: by default the clinician digest gives counts and a link.
    digest_names_patients = models.BooleanField(
        default=False,
        help_text="Name patients, alerts and pain scores in the clinicians' digest email "
        "(otherwise it gives counts and a link to the console).",
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Every clinician must sign in to the console and the admin with a TOTP code.",
    )
    daily_exercise_limit = models.PositiveSmallIntegerField(
        default=6,
        help_text="A program with more exercises on one day than this gets a warning "
        "(fewer exercises go with better adherence); it is never refused.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Clinician(models.Model):
    """A user's membership of one clinic, with a role."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        CLINICIAN = "clinician", "Clinician"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinicians")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone_name])
    digest_enabled = models.BooleanField(default=True)
    digest_time = models.TimeField(
        default=dt.time(7, 30), help_text="Local morning time of the daily digest."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic__name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["owner", "clinician"]), name="clinician_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.email} ({self.clinic})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="patients")
    primary_clinician = models.ForeignKey(
        Clinician, on_delete=models.SET_NULL, null=True, blank=True, related_name="patients"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone_name])

    # Reminder preferences.
    reminders_enabled = models.BooleanField(default=True)
    reminder_time = models.TimeField(default=dt.time(18, 0))
    remind_by_push = models.BooleanField(default=True)
    remind_by_email = models.BooleanField(default=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # Reachability of the email address; set by unsubscribe links and hard bounces.
    email_unsubscribed_at = models.DateTimeField(null=True, blank=True)
    email_bounced_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "id"]),
            models.Index(fields=["timezone", "reminder_time"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(quiet_start__isnull=True, quiet_end__isnull=True))
                | (
                    models.Q(quiet_start__isnull=False, quiet_end__isnull=False)
                    & ~models.Q(quiet_start=models.F("quiet_end"))
                ),
                name="patient_quiet_hours_pair",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def email_reachable(self) -> bool:
        return self.email_unsubscribed_at is None and self.email_bounced_at is None

    @property
    def reminder_channels(self) -> list[str]:
        """The channels switched on, in the order of REMINDER_CHANNELS: push, email."""
        return [
            name
            for name, on in (("push", self.remind_by_push), ("email", self.remind_by_email))
            if on
        ]


class ActivationCode(models.Model):
    """A single-use, expiring invite code; only its hash is stored."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"activation code for {self.patient}"


class AuditEvent(models.Model):
    """Who read or changed which patient's record, and when."""

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        DENIED = "denied", "Denied (another clinic's record)"

    # The composite indexes below serve every lookup by clinic or patient; a list page
    # writes one row per patient shown, so each index left out makes that write cheaper.
    # Append-only: a clinic, patient or actor with events cannot be deleted (patients
    # are deactivated instead), and on PostgreSQL a trigger refuses any UPDATE or
    # DELETE of a row (migration 0005).
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="audit_events", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_events"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="audit_events", db_index=False
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    what = models.CharField(
        max_length=200, help_text="The resource, e.g. 'GET /api/v1/patients/3/adherence'."
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["clinic", "-created_at"]),
            models.Index(fields=["patient", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.patient} at {self.created_at:%Y-%m-%d %H:%M}"


class TokenSession(models.Model):
    """The device behind one sign-in token (knox stores only the token's hash).

    When it was last used is not stored: every request pushes the token's idle
    expiry to now + TOKEN_TTL (at most once a minute), so it is `expiry - TTL`.
    """

    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="session")
    device_name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.device_name or f"session {self.pk}"
