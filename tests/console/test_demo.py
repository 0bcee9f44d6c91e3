"""`up --demo` gives every console screen something to show."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications.services.digests import quiet_patients
from patients.models import Patient
from patients.selectors.console import patients_not_activated
from programs.demo import demo_create
from programs.models import Alert, ExerciseLog, Program
from programs.outcomes.models import CheckIn
from programs.outcomes.selectors import outcomes_summary, patient_checkins
from programs.suggestion_models import Suggestion

pytestmark = pytest.mark.django_db


# One morning of each weekday: every protocol schedules some lines only on some days.
WEEK = [dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC) + dt.timedelta(days=n) for n in range(7)]


@pytest.fixture(params=WEEK, ids=lambda moment: moment.strftime("%A"))
def weekday(request):
    with time_machine.travel(request.param, tick=False):
        yield request.param


def test_demo_has_history_an_open_high_pain_alert_and_a_quiet_patient(client, weekday):
    call_command("load_library", verbosity=0)
    logins = demo_create()
    tom = Patient.objects.get(user__email="tom@demo.hep.example")
    alert = Alert.objects.get(patient=tom, status=Alert.Status.OPEN, kind=Alert.Kind.HIGH_PAIN)
    assert alert.detail["pain"] == 8
    assert ExerciseLog.objects.get(pk=alert.detail["log_id"]).note
    dates = ExerciseLog.objects.filter(patient=tom).values_list("date", flat=True)
    assert (max(dates) - min(dates)).days >= 21  # a few weeks of history
    clinic = tom.clinic
    quiet = quiet_patients(Patient.objects.filter(clinic=clinic), timezone.now())
    assert [q.patient.user.email for q in quiet] == ["lucia@demo.hep.example"]
    assert [p.user.email for p in patients_not_activated(clinic_id=clinic.pk)] == [
        "ben@demo.hep.example"
    ]
    assert demo_create().clinician == logins.clinician  # idempotent
    assert Alert.objects.filter(patient=tom).count() == 1

    response = client.post(
        "/clinic/login/", {"username": logins.clinician, "password": logins.password}
    )
    assert response.status_code == 302
    page = client.get("/clinic/").content.decode()
    assert "Tom Whitfield" in page and "Lucia Ramirez" in page and "Ben Osei" in page


def test_demo_programs_are_past_their_first_phase(client, weekday):
    """A month in, a phase that moves on its date has moved; one that waits for the
    clinician is on the worklist, once, however often the demo is loaded."""
    call_command("load_library", verbosity=0)
    logins = demo_create()
    programs = {p.patient.user.email.split("@")[0]: p for p in Program.objects.all()}
    # Maya's and Lucia's first phases move on their date; Tom's waits for approval.
    assert {name: p.phase.order for name, p in programs.items()} == {
        "maya": 2, "tom": 1, "lucia": 2,
    }  # fmt: skip
    waiting = Suggestion.objects.filter(kind="phase", status=Suggestion.Status.OPEN)
    assert [s.program_id for s in waiting] == [programs["tom"].pk]
    count = waiting.count()
    demo_create()
    assert waiting.count() == count
    client.post("/clinic/login/", {"username": logins.clinician, "password": logins.password})
    page = client.get("/clinic/").content.decode()
    assert "Ready for the next phase" in page


def test_demo_patients_have_weeks_of_checkins_with_an_mcid_verdict(client, weekday):
    call_command("load_library", verbosity=0)
    logins = demo_create()
    verdicts = {}
    for email in ("maya", "tom", "lucia"):
        patient = Patient.objects.get(user__email=f"{email}@demo.hep.example")
        summary = {m["measure"]: m for m in outcomes_summary(patient_id=patient.pk)}
        verdicts[email] = {m: s["mcid"]["passed"] for m, s in summary.items() if s["mcid"]}
        if email != "lucia":
            assert len(summary["nprs"]["points"]) >= 4  # weekly over four weeks
            assert len(summary["psfs"]["points"]) >= 3  # at the start, then fortnightly
    assert verdicts["maya"] == {"nprs": True, "psfs": True}
    assert verdicts["tom"]["nprs"] is False  # his flare shows on the latest rating
    lucia = Patient.objects.get(user__email="lucia@demo.hep.example")
    assert patient_checkins(patient=lucia)["open"]  # she stopped answering too
    assert not CheckIn.objects.filter(answered_at__gt=timezone.now()).exists()
    count = CheckIn.objects.count()
    demo_create()
    assert CheckIn.objects.count() == count  # idempotent

    client.post("/clinic/login/", {"username": logins.clinician, "password": logins.password})
    maya = Patient.objects.get(user__email="maya@demo.hep.example")
    page = client.get(f"/clinic/patients/{maya.pk}/").content.decode()
    assert "Passed the minimal clinically important difference." in page
