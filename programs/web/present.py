"""How the console draws adherence and pain: plain values for templates, computed
from the selectors' DayStatus rows (no rule of adherence is decided here)."""

import datetime as dt
import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.defaultfilters import date, floatformat, timesince_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from programs.adherence import DayStatus
from programs.models import EVERY_DAY

TIMES = "\N{MULTIPLICATION SIGN}"
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
STATUS_LABELS = {
    "done": "Done",
    "partly": "Partly done",
    "missed": "Missed",
    "paused": "Paused",
    "rest": "Nothing scheduled",
    "today": "Today, in progress",
}


CSS_CLASSES = {"rest": "none", "today": "future"}


@dataclass(frozen=True)
class CalendarDay:
    """One day, with its strings made here: the page shows 90 of them twice, and
    template filters per cell were most of the page's cost."""

    date: dt.date
    status: str  # a key of STATUS_LABELS
    scheduled: int
    done: int
    pain: float | None
    date_text: str = ""  # "Mon 3 Nov"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def css(self) -> str:
        return CSS_CLASSES.get(self.status, self.status)

    @property
    def title(self) -> str:
        done = f", {self.done}/{self.scheduled}" if self.scheduled else ""
        return f"{self.date_text}: {self.label}{done}"


def date_text(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%b}"


def _paused(day: dt.date, pauses: Sequence[tuple[dt.date, dt.date | None]]) -> bool:
    return any(start <= day and (end is None or day < end) for start, end in pauses)


def calendar_days(
    days: Sequence[DayStatus], *, today: dt.date, pauses: Sequence[tuple[dt.date, dt.date | None]]
) -> list[CalendarDay]:
    found = []
    for day in days:
        if not day.scheduled:
            status = "paused" if _paused(day.date, pauses) else "rest"
        elif day.complete:
            status = "done"
        elif day.date == today:
            status = "today"
        elif day.done:
            status = "partly"
        else:
            status = "missed"
        found.append(
            CalendarDay(
                day.date, status, day.scheduled, day.done, day.pain_average, date_text(day.date)
            )
        )
    return found


def calendar_weeks(days: Sequence[CalendarDay]) -> list[list[CalendarDay | None]]:
    """Rows of Monday..Sunday; None pads the first and last week."""
    if not days:
        return []
    cells: list[CalendarDay | None] = [None] * days[0].date.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def status_counts(days: Sequence[CalendarDay]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for day in days:
        counts[day.status] += 1
    return {STATUS_LABELS[key]: n for key, n in counts.items()}


# --- Pain chart ------------------------------------------------------------------
CHART_WIDTH, CHART_HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 30
AVERAGE_DAYS = 7


@dataclass(frozen=True)
class PainPoint:
    date: dt.date
    pain: float | None
    average: float | None  # mean of the daily averages of the 7 days ending here
    date_text: str = ""


@dataclass(frozen=True)
class PainChart:
    points: list[PainPoint]
    daily_path: str
    average_path: str
    dots: list[tuple[str, str]]
    threshold: int
    threshold_y: str
    y_ticks: list[tuple[int, str]]
    x_ticks: list[tuple[str, str, str]]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = LEFT
    right_x: int = CHART_WIDTH - RIGHT
    bottom_y: int = CHART_HEIGHT - BOTTOM

    @property
    def reported(self) -> list[PainPoint]:
        return [p for p in self.points if p.pain is not None]

    @property
    def latest(self) -> PainPoint | None:
        reported = self.reported
        return reported[-1] if reported else None

    @property
    def highest(self) -> float | None:
        return max((p.pain for p in self.reported), default=None)

    @property
    def latest_average(self) -> float | None:
        return next((p.average for p in reversed(self.points) if p.average is not None), None)


def _path(coords: list[tuple[float, float] | None]) -> str:
    """An SVG path that lifts the pen over days without a value."""
    parts, pen_down = [], False
    for coord in coords:
        if coord is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{coord[0]:.1f},{coord[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def pain_chart(days: Sequence[DayStatus], *, threshold: int) -> PainChart:
    n = max(len(days) - 1, 1)
    plot_w = CHART_WIDTH - LEFT - RIGHT
    plot_h = CHART_HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / n

    def y(pain: float) -> float:
        return TOP + plot_h * (1 - pain / 10)

    points = []
    for i, day in enumerate(days):
        window = [d.pain_average for d in days[max(0, i - AVERAGE_DAYS + 1) : i + 1]]
        known = [p for p in window if p is not None]
        average = round(sum(known) / len(known), 1) if known else None
        points.append(PainPoint(day.date, day.pain_average, average, date_text(day.date)))
    daily = [(x(i), y(p.pain)) if p.pain is not None else None for i, p in enumerate(points)]
    average = [
        (x(i), y(p.average)) if p.average is not None else None for i, p in enumerate(points)
    ]
    x_ticks = []
    if days:
        last = len(days) - 1
        for i in sorted({0, last // 2, last}):
            anchor = "start" if i == 0 else "end" if i == last else "middle"
            x_ticks.append((days[i].date.strftime("%-d %b"), f"{x(i):.1f}", anchor))
    return PainChart(
        points=points,
        daily_path=_path(daily),
        average_path=_path(average),
        dots=[(f"{cx:.1f}", f"{cy:.1f}") for cx, cy in (c for c in daily if c is not None)],
        threshold=threshold,
        threshold_y=f"{y(threshold):.1f}",
        y_ticks=[(v, f"{y(v):.1f}") for v in (0, 5, 10)],
        x_ticks=x_ticks,
    )


# --- Prescriptions ---------------------------------------------------------------
def dose_text(line) -> str:
    """'3 x 10 reps, hold 5 s', '2 x 30 s', ... from a program or protocol line."""
    parts = []
    if line.sets and line.reps:
        parts.append(f"{line.sets} {TIMES} {line.reps} reps")
    elif line.reps:
        parts.append(f"{line.reps} reps")
    elif line.sets and line.duration_seconds:
        parts.append(f"{line.sets} {TIMES} {line.duration_seconds} s")
    elif line.sets:
        parts.append(ngettext("%(n)s set", "%(n)s sets", line.sets) % {"n": line.sets})
    if line.hold_seconds:
        parts.append(f"hold {line.hold_seconds} s")
    if line.duration_seconds and not (line.sets and not line.reps):
        parts.append(f"{line.duration_seconds} s")
    side = getattr(line, "side", "both")
    if side == "each":
        parts.append("each side")
    elif side and side != "both":
        parts.append(f"{side} side")
    return ", ".join(parts) or "as prescribed"


def schedule_text(line) -> str:
    if line.days_mask == EVERY_DAY:
        days = "every day"
    else:
        days = ", ".join(WEEKDAY_NAMES[d - 1] for d in line.days_of_week)
    times = "" if line.times_per_day == 1 else f", {line.times_per_day} times a day"
    return days + times


# --- Version history ---------------------------------------------------------------
@dataclass(frozen=True)
class VersionChange:
    version: int
    valid_from: dt.date
    changes: list[str]


def _describe(row) -> str:
    return f"{row.exercise.name}: {dose_text(row)}; {schedule_text(row)}"


def version_history(rows: Sequence) -> list[VersionChange]:
    """What each version changed, newest first, from all of a program's item rows
    (oldest version first): rows are retired and replaced, never edited."""
    versions: dict[int, VersionChange] = {}
    latest: dict = {}

    def entry(version: int, day: dt.date) -> VersionChange:
        if version not in versions:
            versions[version] = VersionChange(version, day, [])
        return versions[version]

    for row in rows:
        before = latest.get(row.key)
        changes = entry(row.version, row.valid_from).changes
        if before is None:
            changes.append(("Prescribed " if row.version == 1 else "Added ") + _describe(row))
        elif before.exercise_id != row.exercise_id:
            changes.append(f"Swapped {before.exercise.name} for {_describe(row)}")
        else:
            change = f"Changed {_describe(before)} → {dose_text(row)}; {schedule_text(row)}"
            if row.notes != before.notes:
                change += f"; note: “{row.notes}”" if row.notes else "; note removed"
            changes.append(change)
        latest[row.key] = row
    starts = {(row.key, row.valid_from) for row in rows}
    for row in rows:
        if row.valid_until is None or (row.key, row.valid_until) in starts:
            continue
        later = [
            v.version
            for v in versions.values()
            if v.version > row.version and v.valid_from == row.valid_until
        ]
        version = min(later) if later else row.version + 1
        entry(version, row.valid_until).changes.append(f"Removed {row.exercise.name}")
    return sorted(versions.values(), key=lambda v: -v.version)


# --- Long repeated markup ------------------------------------------------------------
# The patient page repeats a few cells 90 times over, the patient list a row per
# patient. Built here as plain strings, every value through `_h` (what format_html does
# to each argument, without its per-call checks for lazy strings: format_html's
# escaping was most of the time left in these loops), they cost a fraction of the same
# loops as template nodes or format_html_join.
def _h(value) -> str:
    """A value as format_html writes it: safe markup as it is, anything else escaped
    (Django's escape is html.escape on the text, behind a check for lazy strings)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def calendar_cells_html(weeks: Sequence[Sequence[CalendarDay | None]]) -> str:
    blank = '<span class="day blank" title=""></span>'
    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f'<span class="day {_h(day.css)}" title="{_h(day.title)}">{day.date.day}</span>'
            if day
            else blank
            for week in weeks
            for day in week
        )
    )


def day_rows_html(days: Sequence[CalendarDay]) -> str:
    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f"<tr><td>{_h(d.date_text)}</td><td>{_h(d.label)}</td>"
            f'<td class="num">{d.done}</td><td class="num">{d.scheduled}</td>'
            f'<td class="num">{"" if d.pain is None else _h(d.pain)}</td></tr>'
            for d in reversed(days)
        )
    )


def pain_rows_html(chart: PainChart) -> str:
    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f'<tr><td>{_h(p.date_text)}</td><td class="num">{_h(p.pain)}</td>'
            f'<td class="num">{_h(p.average)}</td></tr>'
            for p in reversed(chart.reported)
        )
    )


def pain_dots_html(chart: PainChart) -> str:
    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f'<circle class="dot" cx="{_h(cx)}" cy="{_h(cy)}" r="2.5"/>' for cx, cy in chart.dots
        )
    )


def _formatted_once() -> Callable[..., str]:
    """once(fn, *args): fn(*args), computed once per distinct arguments for one page.
    Typed, as 2 and 2.0 format differently."""

    @functools.lru_cache(maxsize=None, typed=True)
    def once(fn, *args) -> str:
        return fn(*args)

    return once


def log_rows_html(logs: Sequence, *, high_pain: int) -> str:
    """The patient page's recent logs as table rows, as the template wrote them."""
    once = _formatted_once()
    yes, no = _h(gettext("yes")), _h(gettext("no"))

    def done(log) -> str:
        text = yes if log.completed else no
        if log.sets_done:
            sets = ngettext("%(n)s set", "%(n)s sets", log.sets_done) % {"n": log.sets_done}
            reps = f" {TIMES} {log.reps_done}" if log.reps_done else ""
            return f"{text} ({_h(sets)}{_h(reps)})"
        if log.reps_done:
            reps = ngettext("%(n)s rep", "%(n)s reps", log.reps_done) % {"n": log.reps_done}
            return f"{text} ({_h(reps)})"
        return text

    def pain(log) -> str:
        if log.pain is None:
            return ""
        css = ' class="pain-high"' if log.pain >= high_pain else ""
        return f"<span{css}>{_h(once(localize, log.pain))}</span>"

    return mark_safe(  # noqa: S308 (every value escaped by _h)
        "".join(
            f"<tr><td>{_h(once(date, log.date, 'D j M'))}</td>"
            f"<td>{_h(log.exercise)}</td><td>{done(log)}</td>"
            f'<td class="num">{pain(log)}</td><td class="num">'
            f"{'' if log.difficulty is None else _h(once(localize, log.difficulty))}</td>"
            f'<td class="note">{_h(log.note)}</td></tr>'
            for log in logs
        )
    )


def patient_rows_html(rows: Sequence) -> str:
    """The patient list's table rows (PatientRow, see programs.selectors.console), each
    cell as the template wrote it, through the same filters. A page repeats few
    distinct values (dates, percentages, counts), so each is formatted once."""
    invited = f' <span class="tag">{_h(gettext("invited"))}</span>'
    nothing = f'<span class="muted">{_h(gettext("nothing scheduled"))}</span>'
    never = f'<span class="muted">{_h(gettext("never"))}</span>'
    no_pain = '<span class="muted">\N{EM DASH}</span>'
    ago = _h(gettext("ago"))
    # The patient's address with a marker for the id, reversed once for the page.
    marker = 2**31 - 1
    before_id, after_id = (
        _h(part) for part in reverse("console-patient", args=[marker]).split(str(marker))
    )
    once = _formatted_once()

    def row_html(row) -> str:
        patient, monitoring = row.patient, row.monitoring
        if row.last_7_days is None:
            adherence = nothing
        else:
            adherence = (
                f'<span class="bar" aria-hidden="true"><span class="w{row.bar_step}"></span>'
                f"</span>{_h(once(floatformat, row.last_7_days, 0))}%"
            )
        if patient.last_log_at:
            last_log = (
                # The date filter's "c", then timesince as the template's filter.
                f'<time datetime="{_h(localtime(patient.last_log_at).isoformat())}">'
                f"{_h(timesince_filter(patient.last_log_at))} {ago}</time>"
            )
        else:
            last_log = never
        if monitoring.latest_pain is None:
            pain = no_pain
        else:
            css = ' class="pain-high"' if row.high_pain else ""
            pain = (
                f"<span{css}>{_h(once(localize, monitoring.latest_pain))}/10</span> "
                f'<span class="muted">{_h(once(date, monitoring.latest_pain_on, "j M"))}</span>'
            )
        alerts = patient.open_alerts
        if alerts:
            alerts_cell = f'<span class="tag tag--alert">{_h(once(localize, alerts))}</span>'
        else:
            alerts_cell = "0"
        change = getattr(patient, "change_since_start", None)
        change_cell = no_pain if change is None else _h(once(floatformat, change, 1))
        return (
            f'<tr><td><a href="{before_id}{patient.pk}{after_id}">{_h(patient)}</a>'
            f"{'' if patient.user.has_usable_password() else invited}</td>"
            f"<td>{adherence}</td><td>{last_log}</td><td>{pain}</td>"
            f'<td class="num">{alerts_cell}</td>'
            f'<td class="num">{_h(once(localize, monitoring.data_days))}</td>'
            f'<td class="num">{change_cell}</td></tr>'
        )

    return mark_safe("\n".join(row_html(row) for row in rows))  # noqa: S308 (escaped by _h)
