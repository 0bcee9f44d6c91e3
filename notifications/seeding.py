"""Bulk seeding of patients due at one instant, for timing the planner.

Rows are written with bulk_create (no factories), spread over 30 time zones, each
patient with one active program of three daily items; every fifth has done today's
work, every seventh has unsubscribed from email, every third has a push device.
"""

import datetime as dt
import uuid

from django.db import transaction

from notifications.models import Device
from patients.models import Clinic, Patient, User
from patients.timezones import zone
from programs.models import Category, Exercise, ExerciseLog, Program, ProgramItem, Session

ZONES = [
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Halifax", "America/St_Johns",
    "America/Sao_Paulo", "Atlantic/Azores", "Europe/London", "Europe/Paris",
    "Europe/Helsinki", "Europe/Moscow", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Yangon",
    "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo", "Australia/Adelaide",
    "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham",
]  # fmt: skip


@transaction.atomic
def seed_due_patients(*, count: int, at: dt.datetime, label: str = "seed") -> list[int]:
    clinic, _ = Clinic.objects.get_or_create(name=f"Timing clinic {label}")
    exercise, _ = Exercise.objects.get_or_create(
        clinic=clinic,
        slug=f"timing-{label}",
        defaults={"name": "Timing", "category": Category.STRETCH},
    )
    run = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        [
            User(email=f"{label}-{run}-{i}@example.com", first_name=f"P{i}", password="!")
            for i in range(count)
        ],
        batch_size=2000,
    )
    patients = []
    for i, user in enumerate(users):
        tz = ZONES[i % len(ZONES)]
        local = at.astimezone(zone(tz))
        patients.append(
            Patient(
                user=user,
                clinic=clinic,
                timezone=tz,
                reminder_time=local.time().replace(second=0, microsecond=0),
                email_unsubscribed_at=at if i % 7 == 6 else None,
            )
        )
    patients = Patient.objects.bulk_create(patients, batch_size=2000)
    start = at.date() - dt.timedelta(days=30)
    programs = Program.objects.bulk_create(
        [Program(patient=p, name="Daily", start_date=start) for p in patients], batch_size=2000
    )
    items = ProgramItem.objects.bulk_create(
        [
            ProgramItem(
                program=program, exercise=exercise, order=n, valid_from=start, sets=2, reps=10
            )
            for program in programs
            for n in range(3)
        ],
        batch_size=5000,
    )
    Device.objects.bulk_create(
        [
            Device(patient=p, platform="fcm", token=f"{label}-{run}-{p.pk}-token")
            for i, p in enumerate(patients)
            if i % 3 == 0
        ],
        batch_size=2000,
    )
    done = [p for i, p in enumerate(patients) if i % 5 == 4]
    local_days = {p.pk: at.astimezone(zone(p.timezone)).date() for p in done}
    sessions = Session.objects.bulk_create(
        [Session(patient=p, date=local_days[p.pk]) for p in done], batch_size=2000
    )
    session_of = {s.patient_id: s for s in sessions}
    items_of: dict[int, list[ProgramItem]] = {}
    for item in items:
        items_of.setdefault(item.program.patient_id, []).append(item)
    ExerciseLog.objects.bulk_create(
        [
            ExerciseLog(
                id=uuid.uuid4(),
                patient=p,
                session=session_of[p.pk],
                item=item,
                program_version=1,
                date=local_days[p.pk],
                performed_at=at,
            )
            for p in done
            for item in items_of[p.pk]
        ],
        batch_size=5000,
    )
    return [p.pk for p in patients]
