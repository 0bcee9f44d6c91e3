"""Protocol phases: moving a program on to its protocol's next phase.

A program assigned from a protocol with phases starts in the first one (see
programs.services.programs.program_assign). Once the phase has run its weeks by
the patient's local date, the daily pass moves it on: a phase whose `advance` is
"date" applies the next phase's lines at once; an "approval" phase raises one open
suggestion of kind "phase", which a clinician accepts (the same move) or dismisses
(raised again a week later while the program stays in the phase). Every move goes
through program_update, so the finished phase's lines are retired, the next ones
start as a new program version and past logs keep pointing at what was prescribed.
Paused and completed programs do not move, and days spent paused do not count
towards a phase's weeks; the last phase just stays.

The pass is set-based: one query finds the active programs in a phase with their
patient's zone, one their past pauses, one loads the phases of their protocols, one the phase suggestions
already made, one INSERT raises the new ones, whatever the number of programs.
Each program moved by date then costs the fixed queries of one program_update.
"""

import datetime as dt
from itertools import pairwise
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from patients.timezones import local_today
from programs.models import Program, ProgramPause, TemplatePhase
from programs.selectors.phases import phase_due_on
from programs.services.programs import ItemsInvalid, phase_lines, program_update
from programs.suggestion_models import Suggestion

# A dismissed phase suggestion comes back after this many days in the same phase.
DISMISSED_DAYS = 7


class PhaseMoveRefused(Exception):
    """The program is not where the move assumed (another phase, not active)."""


class _Due(NamedTuple):
    program_id: int
    patient_id: int
    clinic_id: int
    phase_id: int
    template_id: int
    order: int
    name: str
    weeks: int
    advance: str
    started_on: dt.date
    today: dt.date


def next_phase(phase: TemplatePhase) -> TemplatePhase | None:
    return (
        TemplatePhase.objects.filter(template_id=phase.template_id, order__gt=phase.order)
        .order_by("order")
        .first()
    )


def program_phase_enter(
    *, program: Program, phase: TemplatePhase, now: dt.datetime | None = None
) -> Program:
    """Put `phase`'s lines in force from the patient's local today, as a new version.

    Raises PhaseMoveRefused unless the program is active and `phase` directly follows
    the phase it is in."""
    with transaction.atomic():
        locked = (
            Program.objects.select_for_update(of=("self",))
            .select_related("phase")
            .get(pk=program.pk)
        )
        current = locked.phase
        if locked.status != Program.Status.ACTIVE:
            raise PhaseMoveRefused(f"Only an active program moves on; this one is {locked.status}.")
        if current is None or next_phase(current) != phase:
            raise PhaseMoveRefused("The program is no longer in the phase before this one.")
        try:
            return program_update(
                program=locked,
                data={"phase": phase, "items": phase_lines(program=locked, phase=phase)},
                now=now,
            )
        except ItemsInvalid as exc:
            raise PhaseMoveRefused("The next phase has no lines to prescribe.") from exc


def phases_daily_pass(*, now: dt.datetime | None = None) -> dict:
    """Move or propose moving every active program whose phase has run its weeks.
    Returns {"due": n, "moved": n, "raised": n}."""
    now = now or timezone.now()
    due = _due_programs(now)
    counts = {"due": len(due), "moved": 0, "raised": 0}
    if not due:
        return counts
    following = _following_phases({d.template_id for d in due})
    earlier = _earlier_phase_suggestions([d.program_id for d in due])
    raise_, move = [], []
    for d in due:
        after = following.get(d.phase_id)
        if after is None:
            continue  # the last phase stays
        if d.advance == TemplatePhase.Advance.DATE:
            move.append((d, after))
        elif not _suppressed(d, after, earlier):
            raise_.append(_suggestion(d, after))
    counts["raised"] = len(Suggestion.objects.bulk_create(raise_, ignore_conflicts=True))
    for d, after in move:
        try:
            program_phase_enter(program=Program(pk=d.program_id), phase=after.phase, now=now)
        except PhaseMoveRefused:
            continue  # paused or moved since it was read
        counts["moved"] += 1
    return counts


def _due_programs(now: dt.datetime) -> list[_Due]:
    rows = (
        Program.objects.filter(status=Program.Status.ACTIVE, phase__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "patient_id",
            "patient__clinic_id",
            "phase_id",
            "phase__template_id",
            "phase__order",
            "phase__name",
            "phase__weeks",
            "phase__advance",
            "phase_started_on",
            "patient__timezone",
        )
        .iterator(chunk_size=2000)
    )
    candidates = []
    for *values, started_on, zone in rows:
        d = _Due(*values, started_on, local_today(zone, now))
        if started_on is not None and d.today >= phase_due_on(started_on=started_on, weeks=d.weeks):
            candidates.append(d)
    if not candidates:
        return []
    # Days paused inside a phase do not count towards its weeks; pauses only push
    # the date back, so the candidates above are all the programs that can be due.
    pauses: dict[int, list[tuple]] = {}
    for program_id, start, end in ProgramPause.objects.filter(
        program_id__in=[d.program_id for d in candidates], end__isnull=False
    ).values_list("program_id", "start", "end"):
        pauses.setdefault(program_id, []).append((start, end))
    return [
        d
        for d in candidates
        if d.today
        >= phase_due_on(started_on=d.started_on, weeks=d.weeks, pauses=pauses.get(d.program_id))
    ]


class _Following(NamedTuple):
    phase: TemplatePhase
    lines: int


def _following_phases(template_ids: set[int]) -> dict[int, _Following]:
    """Each phase of these protocols mapped to the one after it."""
    phases = list(
        TemplatePhase.objects.filter(template_id__in=template_ids)
        .annotate(lines=Count("items"))
        .order_by("template_id", "order")
    )
    return {
        phase.pk: _Following(after, after.lines)
        for phase, after in pairwise(phases)
        if phase.template_id == after.template_id
    }


def _earlier_phase_suggestions(program_ids: list[int]) -> dict[int, list[tuple]]:
    earlier: dict[int, list[tuple]] = {}
    for program_id, status, to_phase_id, window_end in Suggestion.objects.filter(
        kind=Suggestion.Kind.PHASE,
        program_id__in=program_ids,
        status__in=[Suggestion.Status.OPEN, Suggestion.Status.DISMISSED],
    ).values_list("program_id", "status", "to_phase_id", "window_end"):
        earlier.setdefault(program_id, []).append((status, to_phase_id, window_end))
    return earlier


def _suppressed(d: _Due, after: _Following, earlier: dict) -> bool:
    yesterday = d.today - dt.timedelta(days=1)
    for status, to_phase_id, window_end in earlier.get(d.program_id, ()):
        if status == Suggestion.Status.OPEN:
            return True
        if to_phase_id == after.phase.pk and window_end > yesterday - dt.timedelta(
            days=DISMISSED_DAYS
        ):
            return True
    return False


def _suggestion(d: _Due, after: _Following) -> Suggestion:
    exercises = f"{after.lines} exercise{'s' if after.lines != 1 else ''}"
    return Suggestion(
        clinic_id=d.clinic_id,
        patient_id=d.patient_id,
        program_id=d.program_id,
        kind=Suggestion.Kind.PHASE,
        to_phase=after.phase,
        evidence=(
            f"Phase {d.order} '{d.name}' ran its {d.weeks} week{'s' if d.weeks != 1 else ''}; "
            f"next: '{after.phase.name}' ({exercises})"
        )[:300],
        change=f"Move on to phase {after.phase.order}: {after.phase.name}"[:300],
        window_start=d.started_on,
        window_end=max(d.started_on, d.today - dt.timedelta(days=1)),
    )


def phase_suggestion_apply(*, locked: Suggestion, by, now: dt.datetime | None) -> None:
    """Accept a locked open phase suggestion: the move, then its status.
    Raises PhaseMoveRefused when the program is no longer where it was."""
    program_phase_enter(program=Program(pk=locked.program_id), phase=locked.to_phase, now=now)
    locked.status = Suggestion.Status.ACCEPTED if by else Suggestion.Status.APPLIED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["status", "decided_at", "decided_by"])
