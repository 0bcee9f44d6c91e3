"""Demo data for `manage.py up --demo`: a clinic, a clinician and three patients in
different time zones, each with a program and four weeks of logs, plus one invited
patient who has not activated. Maya logs steadily, Tom reported pain 8 on his last
logged day (an open high-pain alert with his note), Lucia stopped logging five days
ago, so every console screen has something to show; weekly pain and fortnightly
activity check-ins answered over those weeks (programs.outcomes.demo). Idempotent."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from patients.admin_scoping import grant_clinic_staff_permissions
from patients.models import Clinic, Clinician, Patient, User
from patients.services.patients import patient_create
from patients.timezones import local_today
from programs.models import Exercise, ExerciseLog, Program, ProgramTemplate, Session
from programs.outcomes.demo import demo_checkins
from programs.scheduling import item_scheduled_on
from programs.services.alerts import alerts_raise_high_pain
from programs.services.phases import phases_daily_pass
from programs.services.programs import program_assign

DEMO_CLINIC = "Demo Physio & Chiro"
DEMO_PASSWORD = "demo-password-2026"
CLINICIAN_EMAIL = "clinician@demo.hep.example"
PATIENTS = [
    # email, first, last, zone, reminder time, protocol slug, history
    (
        "maya@demo.hep.example",
        "Maya",
        "Ngata",
        "Pacific/Auckland",
        dt.time(7, 0),
        "anterior-pelvic-tilt-reset",
        "steady",
    ),
    (
        "tom@demo.hep.example",
        "Tom",
        "Whitfield",
        "Europe/London",
        dt.time(18, 30),
        "hip-stability-for-runners",
        "flare",
    ),
    (
        "lucia@demo.hep.example",
        "Lucia",
        "Ramirez",
        "America/Los_Angeles",
        dt.time(12, 0),
        "thoracic-mobility-for-runners",
        "stopped",
    ),
]
HISTORY_DAYS = 28
STOPPED_DAYS = 5  # Lucia's last log was this many days ago
INVITED = ("ben@demo.hep.example", "Ben", "Osei", "Europe/London")
FLARE_NOTE = "Sharp pain in my right hip on the single-leg bridge, after a 10k yesterday."


@dataclass
class DemoLogins:
    clinician: str
    patients: list[tuple[str, str]]  # (email, time zone)
    password: str


def _user(email: str, first: str, last: str, *, staff: bool) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def _program_from_template(
    patient: Patient, template: ProgramTemplate | None, today: dt.date
) -> Program:
    if template is None:  # the library was not loaded: a small program from what exists
        items = [{"exercise": e} for e in Exercise.objects.filter(clinic__isnull=True)[:5]]
    else:
        items = []
    name = template.name if template else "Core basics"
    start = today - dt.timedelta(days=HISTORY_DAYS + 2)
    return program_assign(
        patient=patient, name=name, start_date=start, template=template, items=items
    )


def _pain(offset: int, line: int) -> int:
    """Pain that eases over the weeks."""
    return max(1, 5 - (HISTORY_DAYS - offset) // 7 + line % 2)


def _flare(logs: list[ExerciseLog]) -> None:
    """Tom's last logged day: pain 8 on its first exercise, with his note, and 6 on the
    rest. The last logged day is whichever recent day his protocol scheduled, so the
    alert exists whatever weekday the demo is created on."""
    last_day = max(log.date for log in logs)
    flare_day = [log for log in logs if log.date == last_day]
    for log in flare_day:
        log.pain = 6
    flare_day[0].pain = 8
    flare_day[0].note = FLARE_NOTE


def _done(history: str, offset: int, line: int) -> bool:
    if history == "steady":
        return offset % 9 != 0
    if history == "flare":
        return not (offset % 4 == 0 and line > 0)  # every fourth day only partly done
    return offset % 3 != 0  # "stopped": patchy, then nothing


def _history_of_logs(patient: Patient, program: Program, today: dt.date, history: str) -> list:
    items = list(program.items.all())
    logs = []
    last = STOPPED_DAYS if history == "stopped" else 1
    for offset in range(HISTORY_DAYS, last - 1, -1):
        day = today - dt.timedelta(days=offset)
        session, _ = Session.objects.get_or_create(patient=patient, date=day)
        for n, item in enumerate(items):
            if not item_scheduled_on(item, program, (), day, today) or not _done(
                history, offset, n
            ):
                continue
            for _ in range(item.times_per_day):
                logs.append(
                    ExerciseLog(
                        id=uuid.uuid4(),
                        patient=patient,
                        session=session,
                        item=item,
                        program_version=item.version,
                        date=day,
                        completed=True,
                        sets_done=item.sets,
                        reps_done=item.reps,
                        hold_seconds_done=item.hold_seconds,
                        duration_seconds_done=item.duration_seconds,
                        pain=_pain(offset, n),
                        difficulty=4,
                        performed_at=timezone.now() - dt.timedelta(days=offset),
                    )
                )
    if history == "flare":
        _flare(logs)
    ExerciseLog.objects.bulk_create(logs)
    return logs


def _invited_patient(clinic: Clinic, clinician: Clinician) -> None:
    email, first, last, zone = INVITED
    if User.objects.filter(email=email).exists():
        return
    patient_create(
        clinic=clinic,
        first_name=first,
        last_name=last,
        email=email,
        timezone_name=zone,
        primary_clinician=clinician,
    )


@transaction.atomic
def demo_create() -> DemoLogins:
    clinic, created = Clinic.objects.get_or_create(name=DEMO_CLINIC)
    user, _ = _user(CLINICIAN_EMAIL, "Sam", "Okafor", staff=True)
    clinician, _ = Clinician.objects.get_or_create(
        user=user,
        defaults={"clinic": clinic, "role": Clinician.Role.OWNER, "timezone": "Europe/London"},
    )
    if created:
        grant_clinic_staff_permissions(user)
    for email, first, last, zone, reminder_time, protocol, history in PATIENTS:
        patient_user, new = _user(email, first, last, staff=False)
        if not new:
            continue
        patient = Patient.objects.create(
            user=patient_user,
            clinic=clinic,
            primary_clinician=clinician,
            timezone=zone,
            reminder_time=reminder_time,
        )
        today = local_today(zone)
        template = ProgramTemplate.objects.filter(clinic__isnull=True, slug=protocol).first()
        program = _program_from_template(patient, template, today)
        logs = _history_of_logs(patient, program, today, history)
        alerts_raise_high_pain(logs=logs, clinic_id=clinic.pk)
        stopped = STOPPED_DAYS if history == "stopped" else 0
        demo_checkins(
            patient=patient,
            program=program,
            history=history,
            today=today,
            answered_until=today - dt.timedelta(days=stopped),
        )
    _invited_patient(clinic, clinician)
    # What the hourly phase pass would do within the hour: programs whose first phase
    # has run its weeks move on, or wait for the clinician's approval on the worklist.
    phases_daily_pass()
    return DemoLogins(
        clinician=CLINICIAN_EMAIL,
        patients=[(email, zone) for email, _, _, zone, *_ in PATIENTS],
        password=DEMO_PASSWORD,
    )
