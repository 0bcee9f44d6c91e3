"""The clinician digest: once a day at the clinician's local morning time."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.models import DigestDelivery
from notifications.services.digests import digests_plan, digests_send
from patients.models import Clinician
from programs.models import Alert
from tests.factories import ClinicianFactory, ExerciseLogFactory
from tests.notifications.conftest import at_local, make_patient

pytestmark = pytest.mark.django_db

TZ = "America/New_York"
DAY = dt.date(2026, 3, 10)


def run_digests(instant):
    with time_machine.travel(instant, tick=False):
        ids = digests_plan(enqueue=False)
        digests_send(digest_ids=ids)


@pytest.fixture
def clinician():
    return ClinicianFactory(
        timezone=TZ, digest_time=dt.time(7, 30), clinic__digest_names_patients=True
    )


def test_digest_lists_open_alerts_and_quiet_patients_once_a_day(clinician):
    clinic = clinician.clinic
    hurting = make_patient(TZ, clinic=clinic, primary_clinician=clinician)
    quiet = make_patient(TZ, clinic=clinic, primary_clinician=clinician)
    active = make_patient(TZ, clinic=clinic, primary_clinician=clinician)
    for back in range(1, 4):
        day = DAY - dt.timedelta(days=back)
        ExerciseLogFactory(item=hurting.programs.get().items.get(), date=day)
        ExerciseLogFactory(item=active.programs.get().items.get(), date=day)
    Alert.objects.create(
        clinic=clinic, patient=hurting, kind=Alert.Kind.HIGH_PAIN, date=DAY, detail={"pain": 8}
    )
    Alert.objects.create(
        clinic=clinic,
        patient=active,
        kind=Alert.Kind.HIGH_PAIN,
        date=DAY,
        status=Alert.Status.RESOLVED,
    )

    run_digests(at_local(TZ, DAY, 7, 29))
    assert mail.outbox == []
    run_digests(at_local(TZ, DAY, 7, 30))
    run_digests(at_local(TZ, DAY, 12, 0))

    [email] = mail.outbox
    assert email.to == [clinician.user.email]
    assert str(hurting) in email.body and "High pain (pain 8/10)" in email.body
    assert str(quiet) in email.body and "scheduled days in a row" in email.body
    assert str(active) not in email.body
    html = email.alternatives[0][0]
    assert str(hurting) in html
    assert DigestDelivery.objects.get().status == "sent"


def test_nothing_to_report_sends_nothing(clinician):
    patient = make_patient(TZ, clinic=clinician.clinic, primary_clinician=clinician)
    ExerciseLogFactory(item=patient.programs.get().items.get(), date=DAY - dt.timedelta(days=1))
    run_digests(at_local(TZ, DAY, 7, 30))
    assert mail.outbox == []
    digest = DigestDelivery.objects.get()
    assert (digest.status, digest.skip_reason) == ("skipped", "nothing_to_report")


def test_clinician_sees_own_patients_and_owner_sees_the_clinic(clinician):
    owner = ClinicianFactory(
        clinic=clinician.clinic, role=Clinician.Role.OWNER, timezone=TZ, digest_time=dt.time(7, 30)
    )
    colleague = ClinicianFactory(clinic=clinician.clinic, timezone=TZ, digest_enabled=False)
    mine = make_patient(TZ, clinic=clinician.clinic, primary_clinician=clinician)
    theirs = make_patient(TZ, clinic=clinician.clinic, primary_clinician=colleague)
    for patient in (mine, theirs):
        Alert.objects.create(
            clinic=clinician.clinic, patient=patient, kind=Alert.Kind.PAIN_RISING, date=DAY
        )
    run_digests(at_local(TZ, DAY, 7, 30))
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {clinician.user.email, owner.user.email}
    assert str(mine) in by_recipient[clinician.user.email]
    assert str(theirs) not in by_recipient[clinician.user.email]
    assert (
        str(mine) in by_recipient[owner.user.email]
        and str(theirs) in by_recipient[owner.user.email]
    )


def test_quiet_days_are_counted_in_each_patients_own_zone():
    """At 07:30 in Tokyo it is midday of the day before in Honolulu: that day is still
    in progress there, not missed."""
    tokyo = ClinicianFactory(timezone="Asia/Tokyo", digest_time=dt.time(7, 30))
    far_east = make_patient("Pacific/Honolulu", clinic=tokyo.clinic, primary_clinician=tokyo)
    # Honolulu's today is DAY - 1; it logged on DAY - 4 only, so its finished days
    # without a log are DAY - 3 and DAY - 2: two, not three.
    ExerciseLogFactory(item=far_east.programs.get().items.get(), date=DAY - dt.timedelta(days=4))
    run_digests(at_local("Asia/Tokyo", DAY, 7, 30))
    assert mail.outbox == []
    assert DigestDelivery.objects.get().skip_reason == "nothing_to_report"


def test_by_default_the_digest_gives_counts_and_a_console_link_not_names_or_scores():
    clinician = ClinicianFactory(timezone=TZ, digest_time=dt.time(7, 30))
    clinic = clinician.clinic
    hurting = make_patient(
        TZ,
        clinic=clinic,
        primary_clinician=clinician,
        user__first_name="Zelda",
        user__last_name="Quillfeather",
    )
    quiet = make_patient(
        TZ,
        clinic=clinic,
        primary_clinician=clinician,
        user__first_name="Ignatius",
        user__last_name="Brackenbury",
    )
    ExerciseLogFactory(item=hurting.programs.get().items.get(), date=DAY - dt.timedelta(days=1))
    Alert.objects.create(
        clinic=clinic, patient=hurting, kind=Alert.Kind.HIGH_PAIN, date=DAY, detail={"pain": 8}
    )

    run_digests(at_local(TZ, DAY, 7, 30))

    [email] = mail.outbox
    for part in (email.subject, email.body, email.alternatives[0][0]):
        for person in (hurting, quiet):
            assert person.user.first_name not in part
            assert person.user.last_name not in part
        assert "8/10" not in part
    assert "Open alerts for 1 patient" in email.body and "High pain: 1" in email.body
    assert "1 patient logged no exercise" in email.body
    assert "https://hep.example/clinic/" in email.body


def test_a_sent_digest_writes_the_audit_trail_for_the_patients_it_reports(clinician):
    from patients.models import AuditEvent

    hurting = make_patient(TZ, clinic=clinician.clinic, primary_clinician=clinician)
    ExerciseLogFactory(item=hurting.programs.get().items.get(), date=DAY - dt.timedelta(days=1))
    Alert.objects.create(
        clinic=clinician.clinic, patient=hurting, kind=Alert.Kind.HIGH_PAIN, date=DAY
    )
    run_digests(at_local(TZ, DAY, 7, 30))
    assert len(mail.outbox) == 1
    (event,) = AuditEvent.objects.all()
    assert (event.actor_id, event.patient_id, event.clinic_id, event.action) == (
        clinician.user_id,
        hurting.pk,
        clinician.clinic_id,
        "read",
    )
    assert event.what == f"digest email {DAY} to {clinician.user.email}"
