"""Where a program stands in its protocol's phases, for the API and the console."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from programs.models import Program, TemplatePhase


@dataclass(frozen=True)
class NextPhase:
    order: int
    name: str
    advance: str  # how it starts: "date" (on `on`) or "approval" (suggested on `on`)
    on: dt.date


@dataclass(frozen=True)
class PhaseSummary:
    order: int
    of: int
    name: str
    description: str
    started_on: dt.date
    next: NextPhase | None


def phase_due_on(
    *, started_on: dt.date, weeks: int, pauses: Iterable[tuple[dt.date, dt.date]] | None = None
) -> dt.date:
    """The first local date after a phase has run its weeks, not counting the days of
    the finished pauses (start, exclusive end) that fall inside it."""
    due = started_on + dt.timedelta(weeks=weeks)
    for start, end in sorted(pauses or ()):
        overlap = (min(end, due) - max(start, started_on)).days
        if overlap > 0:
            due += dt.timedelta(days=overlap)
    return due


def phases_prefetch() -> Prefetch:
    """Load with the program's phase: its protocol's phases, for phase_summary."""
    return Prefetch("phase__template__phases", queryset=TemplatePhase.objects.order_by("order"))


def phase_summary(program: Program) -> PhaseSummary | None:
    """None for a program without phases. Uses the phases prefetched by phases_prefetch
    and the program's prefetched pauses."""
    phase = program.phase
    if phase is None or program.phase_started_on is None:
        return None
    phases = list(phase.template.phases.all())
    later = [other for other in phases if other.order > phase.order]
    following = None
    if later:
        following = NextPhase(
            order=later[0].order,
            name=later[0].name,
            advance=phase.advance,
            on=phase_due_on(
                started_on=program.phase_started_on,
                weeks=phase.weeks,
                pauses=[(p.start, p.end) for p in program.pauses.all() if p.end is not None],
            ),
        )
    return PhaseSummary(
        order=phase.order,
        of=len(phases),
        name=phase.name,
        description=phase.description,
        started_on=program.phase_started_on,
        next=following,
    )
