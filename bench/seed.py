"""Fast seeding shared by the benchmarks: COPY with explicit ids, then sequences reset.

Rows are plain and realistic (an exercise library with full instructions, patients
across time zones, programs with several items, logs with pain and notes), so the
subject and its reference read the same, non-trivial data.
"""

import datetime as dt
import itertools
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from bench.harness import copy_rows, reset_sequences
from patients.models import Clinic, Clinician, Patient, User
from patients.timezones import local_today
from programs.models import (
    EVERY_DAY,
    Category,
    Exercise,
    ExerciseLog,
    Program,
    ProgramItem,
    Session,
)

# 30 IANA zones, whole, half and three-quarter hour offsets, both hemispheres.
TIMEZONES_30 = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Chicago", "America/New_York", "America/Halifax", "America/St_Johns",
    "America/Sao_Paulo", "Atlantic/Azores", "Europe/London", "Europe/Paris",
    "Europe/Athens", "Europe/Moscow", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Yangon",
    "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Adelaide",
    "Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland", "Pacific/Chatham",
)  # fmt: skip

_password = None


def unusable_password() -> str:
    """One real hash shared by every seeded user: hashing 100,000 passwords is not
    what any benchmark measures."""
    global _password
    if _password is None:
        _password = make_password("bench-password-not-secret")
    return _password


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def seed_exercises(count: int = 12) -> list[int]:
    categories = list(Category.values)
    rows = [
        Exercise(
            slug=f"bench-exercise-{n}",
            name=f"Bench exercise {n}: dead bug with band",
            category=categories[n % len(categories)],
            body_regions=["lumbar", "abdomen"],
            target_muscles=["transversus abdominis", "rectus abdominis", "obliques"],
            drivers=["anterior_pelvic_tilt", "muscle_imbalance"],
            equipment=["mat", "band"],
            level=1 + n % 4,
            default_sets=2,
            default_reps=10,
            instructions=[
                "Lie on your back with your knees bent over your hips and arms up.",
                "Press your low back gently into the floor and breathe out.",
                "Lower the opposite arm and leg slowly without letting the back arch.",
                "Return to the start and repeat on the other side.",
            ],
            cues=["Keep your ribs down.", "Move slowly, breathe out as you reach."],
            common_mistakes=["Arching the low back.", "Holding the breath."],
            cautions=["Stop if pain spreads down a leg."],
            media_urls=[f"https://media.example/exercises/{n}.mp4"],
        )
        for n in range(count)
    ]
    return [exercise.pk for exercise in Exercise.objects.bulk_create(rows)]


def seed_clinic(name: str) -> tuple[Clinic, Clinician]:
    clinic = Clinic.objects.create(name=name)
    user = User.objects.create(
        email=f"clinician@{name.lower().replace(' ', '-')}.example",
        password=unusable_password(),
        first_name="Casey",
        last_name="Clinician",
    )
    clinician = Clinician.objects.create(user=user, clinic=clinic, timezone="Europe/London")
    return clinic, clinician


@dataclass
class SeededItem:
    id: int
    program_id: int
    key: uuid.UUID
    days_mask: int
    times_per_day: int


@dataclass
class Population:
    patient_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    timezone_of: dict[int, str] = field(default_factory=dict)
    items_of: dict[int, list[SeededItem]] = field(default_factory=dict)


def seed_patients(
    *,
    clinic_id: int,
    clinician_id: int | None,
    count: int,
    exercise_ids: Sequence[int],
    tag: str,
    timezones: Sequence[str] = ("Europe/London",),
    programs: int = 1,
    items_per_program: int = 4,
    start_days_ago: int = 120,
    reminder_time: Callable[[int, str], dt.time] = lambda i, tz: dt.time(18, 0),
    days_mask: Callable[[int], int] = lambda k: EVERY_DAY,
    times_per_day: Callable[[int], int] = lambda k: 1,
    unsubscribed: Callable[[int], bool] = lambda i: False,
    quiet_hours: Callable[[int, str], tuple[dt.time, dt.time] | None] = lambda i, tz: None,
    start_date: Callable[[str], dt.date] | None = None,
    now: dt.datetime | None = None,
) -> Population:
    """`count` patients with `programs` active programs of `items_per_program` items."""
    now = now or timezone.now()
    password = unusable_password()
    pop = Population()
    user0, patient0 = next_id(User), next_id(Patient)
    program0, item0 = next_id(Program), next_id(ProgramItem)

    def users():
        for i in range(count):
            yield (
                user0 + i, password, None, False, f"Pat{i}", f"{tag.title()}{i:06d}",
                f"{tag}{i}@patients.example", False, True, now,
            )  # fmt: skip

    copy_rows(
        User,
        ["id", "password", "last_login", "is_superuser", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined"],
        users(),
    )  # fmt: skip

    def patients():
        for i in range(count):
            tz = timezones[i % len(timezones)]
            quiet = quiet_hours(i, tz) or (None, None)
            pop.patient_ids.append(patient0 + i)
            pop.user_ids.append(user0 + i)
            pop.timezone_of[patient0 + i] = tz
            yield (
                patient0 + i, user0 + i, clinic_id, clinician_id, tz, True,
                reminder_time(i, tz), True, True, *quiet,
                now if unsubscribed(i) else None, None, now, now,
            )  # fmt: skip

    copy_rows(
        Patient,
        ["id", "user", "clinic", "primary_clinician", "timezone", "reminders_enabled",
         "reminder_time", "remind_by_push", "remind_by_email", "quiet_start", "quiet_end",
         "email_unsubscribed_at", "email_bounced_at", "created_at", "updated_at"],
        patients(),
    )  # fmt: skip

    default_start = now.date() - dt.timedelta(days=start_days_ago)
    program_rows, item_rows = [], []
    program_id, item_id = program0, item0
    for patient_id in pop.patient_ids:
        start = start_date(pop.timezone_of[patient_id]) if start_date else default_start
        items = pop.items_of[patient_id] = []
        for p in range(programs):
            program_rows.append(
                (program_id, patient_id, f"Back care plan {p + 1}", None, start, None,
                 Program.Status.ACTIVE, 1, None, now, now)
            )  # fmt: skip
            for k in range(items_per_program):
                key = uuid.uuid4()
                mask, tpd = days_mask(k), times_per_day(k)
                exercise = exercise_ids[(p * items_per_program + k) % len(exercise_ids)]
                item_rows.append(
                    (item_id, program_id, key, exercise, k + 1, 1, start, None, 2, 10, None,
                     None, "both", mask, tpd, "")
                )  # fmt: skip
                items.append(SeededItem(item_id, program_id, key, mask, tpd))
                item_id += 1
            program_id += 1
    copy_rows(
        Program,
        ["id", "patient", "name", "template", "start_date", "end_date", "status", "version",
         "created_by", "created_at", "updated_at"],
        program_rows,
    )  # fmt: skip
    copy_rows(
        ProgramItem,
        ["id", "program", "key", "exercise", "order", "version", "valid_from", "valid_until",
         "sets", "reps", "hold_seconds", "duration_seconds", "side", "days_mask",
         "times_per_day", "notes"],
        item_rows,
    )  # fmt: skip
    reset_sequences(User, Patient, Program, ProgramItem)
    return pop


def scheduled_on(item: SeededItem, day: dt.date) -> bool:
    return bool(item.days_mask & (1 << (day.isoweekday() - 1)))


def log_rows_for(
    pop: Population,
    *,
    days: int,
    done: Callable[[int, dt.date, SeededItem], int],
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
    include_today: bool = True,
):
    """Sessions and logs for the last `days` local dates of each patient: `done(patient,
    date, item)` logs per scheduled item. Returns (session rows, log rows)."""
    now = now or timezone.now()
    rng = rng or random.Random(7)
    session_id = itertools.count(next_id(Session))
    sessions, logs = [], []
    for patient_id in pop.patient_ids:
        today = local_today(pop.timezone_of[patient_id], now)
        last = today if include_today else today - dt.timedelta(days=1)
        for back in range(days):
            day = last - dt.timedelta(days=back)
            day_logs = []
            for item in pop.items_of[patient_id]:
                if scheduled_on(item, day):
                    for n in range(done(patient_id, day, item)):
                        performed = dt.datetime.combine(day, dt.time(8 + n, rng.randrange(60)))
                        performed = performed.replace(tzinfo=dt.UTC)
                        pain = rng.choice((None, 1, 2, 3, 4))
                        day_logs.append(
                            (uuid.uuid4(), patient_id, item.id, 1, day, True, 2, 10, None, None,
                             pain, 3, "", performed, performed)
                        )  # fmt: skip
            if day_logs:
                sid = next(session_id)
                sessions.append((sid, patient_id, day, now))
                logs.extend((*row[:2], sid, *row[2:]) for row in day_logs)
    return sessions, logs


SESSION_COLUMNS = ["id", "patient", "date", "created_at"]
LOG_COLUMNS = [
    "id", "patient", "session", "item", "program_version", "date", "completed", "sets_done",
    "reps_done", "hold_seconds_done", "duration_seconds_done", "pain", "difficulty", "note",
    "performed_at", "received_at",
]  # fmt: skip


def seed_logs(pop: Population, **kwargs) -> int:
    sessions, logs = log_rows_for(pop, **kwargs)
    copy_rows(Session, SESSION_COLUMNS, sessions)
    copy_rows(ExerciseLog, LOG_COLUMNS, logs)
    reset_sequences(Session)
    return len(logs)


def knox_token(user) -> str:
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user)
    return token
