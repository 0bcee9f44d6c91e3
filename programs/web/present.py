"""How the console draws adherence and pain: plain values for templates, computed
from the selectors' DayStatus rows (no rule of adherence is decided here)."""

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.defaultfilters import date, floatformat, timesince_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
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
        parts.append(f"{line.sets} sets")
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
# patient; joined here with format_html (every value escaped) they cost a fraction
# of the same loops as template nodes.
def calendar_cells_html(weeks: Sequence[Sequence[CalendarDay | None]]) -> str:
    cells = [day for week in weeks for day in week]
    return format_html_join(
        "",
        '<span class="day {}" title="{}">{}</span>',
        ((day.css, day.title, day.date.day) if day else ("blank", "", "") for day in cells),
    )


def day_rows_html(days: Sequence[CalendarDay]) -> str:
    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        (
            (d.date_text, d.label, d.done, d.scheduled, "" if d.pain is None else d.pain)
            for d in reversed(days)
        ),
    )


def pain_rows_html(chart: PainChart) -> str:
    return format_html_join(
        "",
        '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        ((p.date_text, p.pain, p.average) for p in reversed(chart.reported)),
    )


def pain_dots_html(chart: PainChart) -> str:
    return format_html_join("", '<circle class="dot" cx="{}" cy="{}" r="2.5"/>', chart.dots)


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
    yes, no = gettext("yes"), gettext("no")

    def done(log) -> str:
        text = yes if log.completed else no
        if log.sets_done:
            sets = ngettext("%(n)s set", "%(n)s sets", log.sets_done) % {"n": log.sets_done}
            reps = f" {TIMES} {log.reps_done}" if log.reps_done else ""
            return format_html("{} ({}{})", text, sets, reps)
        if log.reps_done:
            reps = ngettext("%(n)s rep", "%(n)s reps", log.reps_done) % {"n": log.reps_done}
            return format_html("{} ({})", text, reps)
        return text

    def pain(log) -> str:
        if log.pain is None:
            return ""
        css = mark_safe(' class="pain-high"') if log.pain >= high_pain else ""
        return format_html("<span{}>{}</span>", css, once(localize, log.pain))

    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="note">{}</td></tr>',
        (
            (
                once(date, log.date, "D j M"),
                log.item.exercise.name,
                done(log),
                pain(log),
                "" if log.difficulty is None else once(localize, log.difficulty),
                log.note,
            )
            for log in logs
        ),
    )


def patient_rows_html(rows: Sequence) -> str:
    """The patient list's table rows (PatientRow, see programs.selectors.console), each
    cell as the template wrote it, through the same filters. A page repeats few
    distinct values (dates, percentages, counts), so each is formatted once."""
    invited = format_html(' <span class="tag">{}</span>', gettext("invited"))
    nothing = format_html('<span class="muted">{}</span>', gettext("nothing scheduled"))
    never = format_html('<span class="muted">{}</span>', gettext("never"))
    no_pain = format_html('<span class="muted">{}</span>', "\N{EM DASH}")
    ago = gettext("ago")
    # The patient's address with a marker for the id, reversed once for the page.
    marker = 2**31 - 1
    before_id, after_id = reverse("console-patient", args=[marker]).split(str(marker))
    once = _formatted_once()

    def cells(row) -> tuple:
        patient, monitoring = row.patient, row.monitoring
        if row.last_7_days is None:
            adherence = nothing
        else:
            adherence = format_html(
                '<span class="bar" aria-hidden="true"><span class="w{}"></span></span>{}%',
                row.bar_step,
                once(floatformat, row.last_7_days, 0),
            )
        if patient.last_log_at:
            last_log = format_html(
                '<time datetime="{}">{} {}</time>',
                localtime(patient.last_log_at).isoformat(),  # the date filter's "c"
                timesince_filter(patient.last_log_at),
                ago,
            )
        else:
            last_log = never
        if monitoring.latest_pain is None:
            pain = no_pain
        else:
            pain = format_html(
                '<span{}>{}/10</span> <span class="muted">{}</span>',
                mark_safe(' class="pain-high"') if row.high_pain else "",
                once(localize, monitoring.latest_pain),
                once(date, monitoring.latest_pain_on, "j M"),
            )
        alerts = patient.open_alerts
        change = getattr(patient, "change_since_start", None)
        return (
            before_id,
            patient.pk,
            after_id,
            patient,
            "" if patient.user.has_usable_password() else invited,
            adherence,
            last_log,
            pain,
            format_html('<span class="tag tag--alert">{}</span>', once(localize, alerts))
            if alerts
            else "0",
            once(localize, monitoring.data_days),
            no_pain if change is None else once(floatformat, change, 1),
        )

    return format_html_join(
        "\n",
        '<tr><td><a href="{}{}{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (cells(row) for row in rows),
    )
