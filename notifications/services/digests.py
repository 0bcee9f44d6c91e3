"""The clinician digest: one email a day at the clinician's local morning time.

Planned like reminders (zones in Python, one bulk insert under the unique
(clinician, local_date) constraint), sent by claiming each row. It lists the open
alerts of the clinician's patients (owners and clinicians without assigned
patients see the whole clinic) and patients with DIGEST_MISSED_DAYS or more
scheduled days in a row without a log. Nothing to say: the row is closed as
skipped `nothing_to_report` and no email goes out. Unless the clinic opts in
(`Clinic.digest_names_patients`), the email gives counts and a link to the console,
never a patient's name or pain score: email leaves the system.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.channels import DeliveryError, Message, Recipient, active_channels
from notifications.models import DeliveryStatus, DigestDelivery
from patients.models import AuditEvent, Clinician, Patient
from patients.services.audit import audit_record
from patients.timezones import local_now, local_today
from programs.adherence import recent_day_statuses
from programs.models import Alert

LOOKBACK_DAYS = 14
NOTHING_TO_REPORT = "nothing_to_report"


@dataclass(frozen=True)
class QuietPatient:
    patient: Patient
    missed_days: int


def digests_plan(*, now: dt.datetime | None = None, enqueue: bool = True) -> list[int]:
    """Write today's digest row for every clinician whose digest time has come."""
    now = now or timezone.now()
    zones = (
        Clinician.objects.filter(digest_enabled=True)
        .order_by()
        .values_list("timezone", flat=True)
        .distinct()
    )
    due = Q(pk__in=[])
    days: dict[str, dt.date] = {}
    for name in zones:
        local = local_now(name, now)
        days[name] = local.date()
        due |= Q(timezone=name, digest_time__lte=local.time().replace(microsecond=0))
    with transaction.atomic():
        clinicians = Clinician.objects.filter(
            due, digest_enabled=True, user__is_active=True
        ).values_list("pk", "timezone")
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(clinician_id=pk, local_date=days[tz]) for pk, tz in clinicians],
            ignore_conflicts=True,
        )
        ids = list(
            DigestDelivery.objects.filter(
                status=DeliveryStatus.PENDING,
                local_date__gte=min(days.values(), default=now.date()),
            ).values_list("pk", flat=True)
        )
        if enqueue and ids:
            from notifications.tasks import send_digests

            transaction.on_commit(lambda: send_digests.delay(ids))
    return ids


def digest_patients(clinician: Clinician) -> QuerySet[Patient]:
    patients = Patient.objects.filter(clinic_id=clinician.clinic_id)
    if not clinician.is_owner and clinician.patients.exists():
        patients = patients.filter(primary_clinician=clinician)
    return patients


def quiet_patients(patients: QuerySet[Patient], now: dt.datetime) -> list[QuietPatient]:
    """Patients with N+ scheduled days in a row and no log, over the last two weeks of
    each patient's own local dates (programs.adherence: three queries in all)."""
    patients = list(patients.select_related("user"))
    statuses = recent_day_statuses(patients=patients, days=LOOKBACK_DAYS + 1, now=now)
    found = []
    for patient in patients:
        missed = 0
        for day in reversed(statuses[patient.pk][:-1]):  # yesterday backwards; today is open
            if not day.scheduled:
                continue
            if day.logged:
                break
            missed += 1
        if missed >= settings.DIGEST_MISSED_DAYS:
            found.append(QuietPatient(patient, missed))
    return found


def digest_message(clinician: Clinician, now: dt.datetime) -> Message | None:
    return digest_contents(clinician, now)[0]


def digest_contents(clinician: Clinician, now: dt.datetime) -> tuple[Message | None, list[int]]:
    """The digest email, and the patients it reports on (for the audit trail)."""
    today = local_today(clinician.timezone, now)
    patients = digest_patients(clinician)
    alerts = list(
        Alert.objects.filter(status=Alert.Status.OPEN, patient__in=patients)
        .select_related("patient__user")
        .order_by("patient_id", "kind")
    )
    alerted_missed = {a.patient_id for a in alerts if a.kind == Alert.Kind.MISSED_DAYS}
    quiet = [q for q in quiet_patients(patients, now) if q.patient.pk not in alerted_missed]
    if not alerts and not quiet:
        return None, []
    by_patient = defaultdict(list)
    for alert in alerts:
        by_patient[alert.patient].append(alert)
    kinds = Counter(alert.get_kind_display() for alert in alerts)
    context = {
        "clinician": clinician,
        "today": today,
        # Names and pain scores only where the clinic chose to have them in email.
        "named": clinician.clinic.digest_names_patients,
        "alerts_by_patient": dict(by_patient),
        "quiet": quiet,
        "alert_kinds": sorted(kinds.items()),
        "alerted_patients": len(by_patient),
        "quiet_count": len(quiet),
        "console_url": f"{settings.SITE_URL}/clinic/",
    }
    count = len(alerts) + len(quiet)
    message = Message(
        subject=f"Your patients today: {count} thing{'s' if count != 1 else ''} to look at",
        text=render_to_string("notifications/digest_email.txt", context),
        html=render_to_string("notifications/digest_email.html", context),
    )
    reported = [alert.patient_id for alert in alerts] + [q.patient.pk for q in quiet]
    return message, list(dict.fromkeys(reported))


def _finish(digest: DigestDelivery, **changes) -> None:
    DigestDelivery.objects.filter(
        pk=digest.pk, status=DeliveryStatus.SENDING, claimed_at=digest.claimed_at
    ).update(finished_at=timezone.now(), **changes)


def digests_send(*, digest_ids: list[int]) -> None:
    for digest_id in digest_ids:
        now = timezone.now()
        stale = now - dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
        claimed = DigestDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=stale),
            pk=digest_id,
        ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        if not claimed:
            continue
        digest = DigestDelivery.objects.select_related("clinician__user", "clinician__clinic").get(
            pk=digest_id
        )
        clinician = digest.clinician
        if local_today(clinician.timezone, now) != digest.local_date:
            _finish(digest, status=DeliveryStatus.SKIPPED, skip_reason="missed")
            continue
        message, reported = digest_contents(clinician, now)
        if message is None:
            _finish(digest, status=DeliveryStatus.SKIPPED, skip_reason=NOTHING_TO_REPORT)
            continue
        channel = active_channels().email()
        if channel is None:
            _finish(digest, status=DeliveryStatus.FAILED, last_error="email is not configured")
            continue
        try:
            channel.send(message, Recipient(clinician.user.email))
        except DeliveryError as exc:
            _finish(digest, status=DeliveryStatus.FAILED, last_error=str(exc)[:2000])
            continue
        _finish(digest, status=DeliveryStatus.SENT)
        # Email left the system about these patients: the trail says so, as for the API.
        audit_record(
            actor_id=clinician.user_id,
            clinic_id=clinician.clinic_id,
            patient_ids=reported,
            action=AuditEvent.Action.READ,
            what=f"digest email {digest.local_date} to {clinician.user.email}",
        )
