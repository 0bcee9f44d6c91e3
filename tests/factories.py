"""Factories for the core models; each test builds only the rows it needs."""

import datetime as dt
import uuid

import factory
from django.utils import timezone

from patients.models import Clinic, Clinician, Patient, User
from programs.models import (
    EVERY_DAY,
    Category,
    Exercise,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramTemplate,
    Session,
    TemplateItem,
    TemplatePhase,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Clinician.Role.CLINICIAN
    timezone = "Europe/London"


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    timezone = "Europe/London"
    reminder_time = dt.time(18, 0)


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    clinic = None
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    category = Category.CORE_ANTI_EXTENSION
    body_regions = factory.LazyFunction(lambda: ["lumbar", "abdomen"])
    target_muscles = factory.LazyFunction(lambda: ["transversus abdominis"])
    drivers = factory.LazyFunction(lambda: ["anterior_pelvic_tilt"])
    equipment = factory.LazyFunction(lambda: ["mat"])
    level = 1
    default_sets = 2
    default_reps = 10
    instructions = factory.LazyFunction(lambda: ["Lie on your back.", "Move slowly."])
    cues = factory.LazyFunction(lambda: ["Keep your ribs down."])
    common_mistakes = factory.LazyFunction(lambda: ["Arching the back."])
    cautions = factory.LazyFunction(lambda: ["Stop if pain spreads down a leg."])
    media_urls = factory.LazyFunction(lambda: ["https://media.example/exercise.mp4"])


class ProgramTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramTemplate

    clinic = None
    name = factory.Sequence(lambda n: f"Protocol {n}")
    description = "A starter protocol."


class TemplatePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplatePhase

    template = factory.SubFactory(ProgramTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Phase {n}")
    weeks = 2
    advance = TemplatePhase.Advance.DATE


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateItem

    template = factory.SubFactory(ProgramTemplateFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.Sequence(lambda n: n + 1)
    sets = 2
    reps = 10


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    patient = factory.SubFactory(PatientFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    start_date = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=60))
    status = Program.Status.ACTIVE


class ProgramItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramItem

    program = factory.SubFactory(ProgramFactory)
    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.Sequence(lambda n: n + 1)
    sets = 2
    reps = 10
    days_mask = EVERY_DAY
    times_per_day = 1
    valid_from = factory.LazyAttribute(lambda item: item.program.start_date)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        django_get_or_create = ("patient", "date")

    patient = factory.SubFactory(PatientFactory)
    date = factory.LazyFunction(lambda: timezone.now().date())


class ExerciseLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseLog

    id = factory.LazyFunction(uuid.uuid4)
    item = factory.SubFactory(ProgramItemFactory)
    patient = factory.LazyAttribute(lambda log: log.item.program.patient)
    date = factory.LazyFunction(lambda: timezone.now().date())
    session = factory.LazyAttribute(lambda log: SessionFactory(patient=log.patient, date=log.date))
    program_version = factory.LazyAttribute(lambda log: log.item.version)
    completed = True
    performed_at = factory.LazyFunction(timezone.now)
