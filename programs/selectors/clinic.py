"""Reads for the clinician API, always scoped to one clinic, in constant queries."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from config.db import CompiledQuery
from patients.models import Clinician, Patient
from patients.timezones import local_today
from programs.adherence import (
    AdherenceRates,
    DayStatus,
    PatientRef,
    adherence_rates,
    day_statuses,
    recent_logged_days,
    recent_rates,
)
from programs.models import (
    Alert,
    Exercise,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramTemplate,
    TemplateItem,
    TemplatePhase,
)
from programs.selectors.phases import phases_prefetch

PatientT = TypeVar("PatientT")

RTM_WINDOW_DAYS = 30
RTM_BILLABLE_DAYS = 16


# --- Library -------------------------------------------------------------------
def exercises_for_clinic(*, clinic_id: int) -> QuerySet[Exercise]:
    """The global library plus the clinic's private exercises, ordered (name, id)."""
    return (
        Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))
        .select_related("regression", "progression")
        .order_by("name", "id")
    )


def exercise_for_clinic(*, clinic_id: int, slug: str) -> Exercise | None:
    """A clinic's own exercise wins over a global one of the same slug."""
    return (
        exercises_for_clinic(clinic_id=clinic_id)
        .filter(slug=slug)
        .order_by(F("clinic_id").asc(nulls_last=True))
        .first()
    )


def exercise_for_patient(*, patient: Patient, slug: str) -> Exercise | None:
    """An exercise one of the patient's own programs uses (any version of any line)."""
    used = ProgramItem.objects.filter(program__patient=patient).values("exercise_id")
    return (
        Exercise.objects.filter(slug=slug, pk__in=used)
        .select_related("regression", "progression")
        .order_by(F("clinic_id").asc(nulls_last=True))
        .first()
    )


def exercises_by_slug(*, clinic_id: int, slugs: Iterable[str]) -> dict[str, Exercise]:
    """The exercises the clinic may prescribe, by slug, in one query."""
    found: dict[str, Exercise] = {}
    for exercise in Exercise.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id=clinic_id), slug__in=set(slugs)
    ):
        if exercise.slug not in found or exercise.clinic_id is not None:
            found[exercise.slug] = exercise
    return found


# --- Protocols -----------------------------------------------------------------
def templates_for_clinic(*, clinic_id: int) -> QuerySet[ProgramTemplate]:
    return (
        ProgramTemplate.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))
        .prefetch_related(
            Prefetch(
                "items",
                queryset=TemplateItem.objects.select_related("exercise").order_by("order"),
            ),
            Prefetch(
                "phases",
                queryset=TemplatePhase.objects.order_by("order").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=TemplateItem.objects.select_related("exercise").order_by("order"),
                    )
                ),
            ),
        )
        .order_by("name", "id")
    )


# --- Patients ------------------------------------------------------------------
def patients_for_clinic(*, clinic_id: int) -> QuerySet[Patient]:
    """The clinic's patients, ordered by name; `patients_with_activity` adds the
    summary columns to the page shown."""
    # Clinicians are prefetched, not joined: a clinic has a few for hundreds of
    # patients, and joining them made every row wider to sort and to build.
    return (
        Patient.objects.filter(clinic_id=clinic_id)
        .select_related("user")
        .prefetch_related(
            Prefetch("primary_clinician", queryset=Clinician.objects.select_related("user"))
        )
        .order_by("user__last_name", "user__first_name", "id")
    )


def patients_with_activity(*, patients: Sequence[PatientT]) -> Sequence[PatientT]:
    """Sets `last_log_at` and `open_alerts` on each patient (a Patient, or any row with
    their `pk`), in one query.

    Run on a page after pagination: as annotations of the list query they were
    computed for every row up to the page's offset, so walking all pages grew
    quadratically."""
    if not patients:
        return patients
    last_log = (
        ExerciseLog.objects.filter(patient=OuterRef("pk"))
        .order_by("-performed_at")
        .values("performed_at")[:1]
    )
    open_alerts = (
        Alert.objects.filter(patient=OuterRef("pk"), status=Alert.Status.OPEN)
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    activity = {
        pk: (last_log_at, alerts)
        for pk, last_log_at, alerts in Patient.objects.filter(pk__in=[p.pk for p in patients])
        .annotate(
            last_log_at=Subquery(last_log),
            open_alerts=Coalesce(Subquery(open_alerts, output_field=IntegerField()), Value(0)),
        )
        .values_list("pk", "last_log_at", "open_alerts")
        .order_by()
    }
    for patient in patients:
        patient.last_log_at, patient.open_alerts = activity[patient.pk]
    return patients


SUMMARY_DAYS = 7


def last_7_days_adherence(
    *, patients: Sequence[PatientRef], now: dt.datetime | None = None
) -> dict[int, AdherenceRates]:
    """{patient id: adherence rates of their last 7 local days} in one query."""
    return recent_rates(patients=patients, days=SUMMARY_DAYS, now=now)


def last_7_days_rates(
    *, patients: Sequence[PatientRef], now: dt.datetime | None = None
) -> dict[int, float | None]:
    """{patient id: days-complete rate of their last 7 local days} in one query."""
    return {
        patient_id: rates.days_complete_rate
        for patient_id, rates in last_7_days_adherence(patients=patients, now=now).items()
    }


# --- Programs ------------------------------------------------------------------
# What a list of programs shows of each line's exercise. The rest of its row (nine
# JSON lists among them, each parsed on every row) is for one program's own pages.
EXERCISE_LISTED = ("id", "slug", "name")


def current_items_prefetch(*, exercise_in_full: bool = True) -> Prefetch:
    items = ProgramItem.objects.filter(valid_until__isnull=True).select_related("exercise")
    if not exercise_in_full:
        items = items.defer(
            *(
                f"exercise__{field.name}"
                for field in Exercise._meta.concrete_fields
                if field.name not in EXERCISE_LISTED
            )
        )
    return Prefetch("items", queryset=items.order_by("order", "id"), to_attr="current_items")


def programs_for_patient(*, patient: Patient) -> QuerySet[Program]:
    """Through the patient's own manager, so each program's `patient` is the one given
    (loaded by the caller with its clinic) rather than a second copy joined in."""
    return _newest_first(patient.programs).prefetch_related(
        current_items_prefetch(exercise_in_full=False), "pauses", phases_prefetch()
    )


def _newest_first(programs: QuerySet[Program]) -> QuerySet[Program]:
    return programs.select_related("phase__template").order_by("-start_date", "-id")


# The patient page's reads, each compiled once (config.db.CompiledQuery).
_PATIENT_PROGRAMS = CompiledQuery(
    lambda patient_id: _newest_first(Program.objects.filter(patient_id=patient_id)), arity=1
)
_PATIENT_CURRENT_ITEMS = CompiledQuery(
    lambda patient_id: current_items_prefetch(exercise_in_full=False).queryset.filter(
        program__patient_id=patient_id
    ),
    arity=1,
)
_PATIENT_PAUSES = CompiledQuery(
    lambda patient_id: ProgramPause.objects.filter(program__patient_id=patient_id).values_list(
        "program_id", "start", "end"
    ),
    arity=1,
)
_PROGRAM_PATIENT = Program._meta.get_field("patient")


@dataclass(frozen=True)
class PatientPrograms:
    """What the patient page shows of the patient's programs: programs_for_patient as
    a list (each with `current_items`), and the (start, exclusive end or None) of
    every pause of any of them."""

    programs: list[Program]
    pauses: list[tuple[dt.date, dt.date | None]]


def patient_programs(*, patient: Patient) -> PatientPrograms:
    """programs_for_patient in three fixed statements (programs, their current lines
    with each exercise's name, their pauses) where building its querysets cost the
    page more than running them; a program in protocol phases has its protocol's
    phases and its pauses loaded as phase_summary reads them."""
    programs = _PATIENT_PROGRAMS(patient.pk)
    lines: dict[int, list[ProgramItem]] = {program.pk: [] for program in programs}
    for item in _PATIENT_CURRENT_ITEMS(patient.pk):
        lines[item.program_id].append(item)
    for program in programs:
        _PROGRAM_PATIENT.set_cached_value(program, patient)
        program.current_items = lines[program.pk]
    phased = [program for program in programs if program.phase_id is not None]
    if phased:
        prefetch_related_objects(phased, "pauses", phases_prefetch())
    pauses = [(start, end) for _, start, end in _PATIENT_PAUSES(patient.pk)]
    return PatientPrograms(programs=programs, pauses=pauses)


def programs_for_clinic(*, clinic_id: int) -> QuerySet[Program]:
    return Program.objects.filter(patient__clinic_id=clinic_id).select_related("patient__user")


def program_with_items(*, program: Program) -> Program:
    return (
        Program.objects.prefetch_related(current_items_prefetch(), "pauses", phases_prefetch())
        .select_related("patient__clinic", "phase__template")
        .get(pk=program.pk)
    )


# --- Adherence report ----------------------------------------------------------
@dataclass(frozen=True)
class AdherenceReport:
    start: dt.date
    end: dt.date
    today: dt.date
    days: list[DayStatus]
    scheduled: int
    done: int
    rates: AdherenceRates
    pain_average: float | None
    data_days_last_30: int

    @property
    def rtm_eligible(self) -> bool:
        return self.data_days_last_30 >= RTM_BILLABLE_DAYS


def adherence_report(
    *, patient: Patient, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> AdherenceReport:
    """Daily scheduled/done/pain for start..end plus totals, in three queries.

    `scheduled` and `done` sum every day of the range; the rates count only the days
    that adherence_rates counts (days before today, today once complete).

    The total pain average weighs each day with reports equally (the mean of the
    daily averages), so one day with many logs does not swamp the period.
    """
    today = local_today(patient.timezone, now)
    days = day_statuses(patients=[patient], start=start, end=end, now=now)[patient.pk]
    scheduled = sum(day.scheduled for day in days)
    done = sum(day.done for day in days)
    pains = [day.pain_average for day in days if day.pain_average is not None]
    # Data days as the patient list counts them: the local dates of the window with a log.
    logged = recent_logged_days(patients=[patient], days=RTM_WINDOW_DAYS, now=now)
    return AdherenceReport(
        start=start,
        end=end,
        today=today,
        days=days,
        scheduled=scheduled,
        done=done,
        rates=adherence_rates(days, today),
        pain_average=round(sum(pains) / len(pains), 1) if pains else None,
        data_days_last_30=len(logged[patient.pk]),
    )


# --- Alerts --------------------------------------------------------------------
def alerts_for_clinic(*, clinic_id: int) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(clinic_id=clinic_id)
        .select_related("patient__user")
        .order_by("-created_at", "-id")
    )
