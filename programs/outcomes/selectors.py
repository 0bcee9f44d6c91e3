"""Reads: a patient's check-ins, and each measure over time for clinicians."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from config.db import CompiledQuery
from patients.models import Patient
from patients.timezones import local_today
from programs.outcomes.mcid import LOWER_IS_BETTER, McidResult, mcid_result
from programs.outcomes.measures import OPEN_DAYS, TITLES, Measure
from programs.outcomes.models import CheckIn
from programs.outcomes.services import checkin_closes_on, psfs_activities

RECENT_DAYS = 90


def checkin_status(checkin: CheckIn, today: dt.date) -> str:
    if checkin.answered_at is not None:
        return "answered"
    return "open" if today < checkin_closes_on(checkin) else "closed"


def checkin_payload(checkin: CheckIn, today: dt.date, activities: list[str] | None) -> dict:
    """One check-in as the patient's API shows it."""
    asks = None
    if checkin.measure == Measure.PSFS and checkin.answered_at is None:
        asks = activities  # None: this one names them
    return {
        "id": checkin.pk,
        "measure": checkin.measure,
        "title": TITLES[checkin.measure],
        "status": checkin_status(checkin, today),
        "due_date": checkin.due_date,
        "due_at": checkin.due_at,
        "closes_on": checkin_closes_on(checkin),
        "answered_at": checkin.answered_at,
        "answers": checkin.answers,
        "score": checkin.score,
        "activities": asks,
    }


def patient_checkins(*, patient: Patient, now: dt.datetime | None = None) -> dict:
    """Open check-ins (oldest first) and those of the last 90 days (newest first)."""
    today = local_today(patient.timezone, now or timezone.now())
    longest = max(OPEN_DAYS.values())
    rows = list(
        CheckIn.objects.filter(
            patient=patient, due_date__gt=today - dt.timedelta(days=max(RECENT_DAYS, longest))
        ).order_by("-due_date", "measure", "-pk")
    )
    firsts = psfs_activities(
        program_ids={c.program_id for c in rows if c.measure == Measure.PSFS and not c.answered}
    )
    payloads = [checkin_payload(c, today, firsts.get(c.program_id)) for c in rows]
    open_ = [p for p in payloads if p["status"] == "open"]
    open_.reverse()
    recent = [
        p
        for p in payloads
        if p["status"] != "open" and p["due_date"] > today - dt.timedelta(days=RECENT_DAYS)
    ]
    return {"open": open_, "recent": recent}


def patient_checkin(*, patient: Patient, checkin_id: int) -> CheckIn | None:
    """One of the patient's own check-ins; another patient's is None (a 404)."""
    return CheckIn.objects.filter(patient=patient, pk=checkin_id).first()


# --- Clinicians ----------------------------------------------------------------------
@dataclass
class MeasureHistory:
    measure: str
    points: list[CheckIn] = field(default_factory=list)
    mcid: McidResult | None = None


_ANSWERED = CompiledQuery(
    lambda patient_id: CheckIn.objects.filter(
        patient_id=patient_id, answered_at__isnull=False
    ).order_by("due_date", "pk"),
    arity=1,
)


def outcomes_for_patient(*, patient_id: int) -> list[MeasureHistory]:
    """Each measure's answered check-ins, oldest first, with the MCID verdict of the
    latest against the first (one query)."""
    histories = {measure: MeasureHistory(measure) for measure in Measure.values}
    for checkin in _ANSWERED(patient_id):
        histories[checkin.measure].points.append(checkin)
    for history in histories.values():
        if history.measure in LOWER_IS_BETTER and len(history.points) >= 2:
            history.mcid = mcid_result(
                history.measure,
                baseline=history.points[0].score,
                latest=history.points[-1].score,
            )
    return list(histories.values())


def _score_subquery(measure: str, order: str) -> Subquery:
    scores = CheckIn.objects.filter(
        patient=OuterRef("pk"), measure=measure, answered_at__isnull=False
    ).order_by(order, "pk" if order == "due_date" else "-pk")
    return Subquery(scores.values("score")[:1], output_field=FloatField())


# Sort keys of the patient list: change since start (latest score - first score).
CHANGE_SORTS = {"nprs_change": Measure.NPRS, "psfs_change": Measure.PSFS}


def with_change_since_start(queryset: QuerySet[Patient], measure: str) -> QuerySet[Patient]:
    """Annotates `change_since_start`: the measure's latest score minus its first
    (0 with a single answer, null with none)."""
    return queryset.annotate(
        change_since_start=_score_subquery(measure, "-due_date")
        - _score_subquery(measure, "due_date")
    )


def ordered_by_change(queryset: QuerySet[Patient], sort: str) -> QuerySet[Patient]:
    """`sort` is a CHANGE_SORTS key, optionally with a leading '-'; nulls last."""
    descending = sort.startswith("-")
    annotated = with_change_since_start(queryset, CHANGE_SORTS[sort.lstrip("-")])
    key = F("change_since_start")
    key = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
    return annotated.order_by(key, "pk")


MCID_RULES = {
    Measure.NPRS: "An improvement of 2 points, or of 30% of the first score, matters.",
    Measure.PSFS: "A rise of 2 points in the mean of the three activities matters.",
    Measure.GROC: "",
}


def outcomes_summary(*, patient_id: int) -> list[dict]:
    """Each measure over time with its MCID verdict: the clinician API's body and the
    console's table (one query)."""
    summary = []
    for history in outcomes_for_patient(patient_id=patient_id):
        mcid = history.mcid
        summary.append(
            {
                "measure": history.measure,
                "title": Measure(history.measure).label,
                "lower_is_better": LOWER_IS_BETTER.get(history.measure),
                "mcid_rule": MCID_RULES[history.measure],
                "points": [
                    {
                        "checkin": point.pk,
                        "due_date": point.due_date,
                        "answered_at": point.answered_at,
                        "score": point.score,
                        "answers": point.answers,
                    }
                    for point in history.points
                ],
                "mcid": None
                if mcid is None
                else {
                    "baseline": mcid.baseline,
                    "latest": mcid.latest,
                    "change": mcid.change,
                    "improvement": mcid.improvement,
                    "threshold": mcid.threshold,
                    "passed": mcid.passed,
                },
            }
        )
    return summary
