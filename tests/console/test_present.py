"""How the console turns DayStatus rows into a calendar, a pain chart and history."""

import datetime as dt
import uuid
from types import SimpleNamespace

from programs.adherence import DayStatus
from programs.web.present import (
    calendar_days,
    calendar_weeks,
    dose_text,
    log_rows_html,
    pain_chart,
    version_history,
)

MONDAY = dt.date(2026, 11, 2)
X = "\N{MULTIPLICATION SIGN}"


def day(offset, scheduled, done, pain=None):
    return DayStatus(MONDAY + dt.timedelta(days=offset), scheduled, done, pain, pain is not None)


def test_calendar_statuses():
    days = [day(0, 2, 2), day(1, 2, 1), day(2, 2, 0), day(3, 0, 0), day(4, 0, 0), day(5, 2, 0)]
    today = MONDAY + dt.timedelta(days=5)
    pauses = [(MONDAY + dt.timedelta(days=4), None)]
    statuses = [d.status for d in calendar_days(days, today=today, pauses=pauses)]
    assert statuses == ["done", "partly", "missed", "rest", "paused", "today"]
    weeks = calendar_weeks(calendar_days(days[1:], today=today, pauses=pauses))
    assert weeks[0][0] is None and len(weeks[0]) == 7  # starts on a Tuesday


def test_pain_chart_average_and_threshold():
    days = [day(i, 1, 1, pain=p) for i, p in enumerate([2, None, 4, 6, 8, None, None, None, 3])]
    chart = pain_chart(days, threshold=7)
    assert [p.average for p in chart.points][:5] == [2.0, 2.0, 3.0, 4.0, 5.0]
    assert chart.points[8].average == 5.2  # the 7 days ending there: (4 + 6 + 8 + 3) / 4
    assert chart.latest.pain == 3 and chart.highest == 8 and len(chart.reported) == 5
    assert chart.daily_path.count("M") == 3  # the line lifts over days without a report
    assert float(chart.threshold_y) < float(chart.y_ticks[1][1])  # 7 is drawn above 5


def line(key, version, valid_from, valid_until=None, exercise="Bridge", reps=10, **more):
    return SimpleNamespace(
        key=key,
        version=version,
        valid_from=valid_from,
        valid_until=valid_until,
        exercise=SimpleNamespace(name=exercise),
        exercise_id=hash(exercise),
        sets=2,
        reps=reps,
        hold_seconds=None,
        duration_seconds=None,
        side="both",
        days_mask=0b1111111,
        days_of_week=[1, 2, 3, 4, 5, 6, 7],
        times_per_day=1,
        notes=more.get("notes", ""),
    )


def test_version_history_names_each_change():
    a, b = uuid.uuid4(), uuid.uuid4()
    d1, d2, d3 = MONDAY, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=14)
    rows = [
        line(a, 1, d1, d2),
        line(b, 1, d1, d3, exercise="Plank"),
        line(a, 2, d2, d3, reps=12),
        line(a, 3, d3, exercise="Bridge march", reps=12),
    ]
    history = version_history(rows)
    assert [v.version for v in history] == [3, 2, 1]
    assert history[2].changes == [
        f"Prescribed Bridge: 2 {X} 10 reps; every day",
        f"Prescribed Plank: 2 {X} 10 reps; every day",
    ]
    assert history[1].changes == [
        f"Changed Bridge: 2 {X} 10 reps; every day → 2 {X} 12 reps; every day"
    ]
    assert history[0].changes == [
        f"Swapped Bridge for Bridge march: 2 {X} 12 reps; every day",
        "Removed Plank",
    ]


def test_dose_text():
    assert (
        dose_text(
            SimpleNamespace(sets=3, reps=None, hold_seconds=None, duration_seconds=30, side="each")
        )
        == f"3 {X} 30 s, each side"
    )


def test_log_rows_read_as_the_logs_table_did():
    def log(**fields):
        base = dict(
            date=MONDAY, completed=True, sets_done=None, reps_done=None, pain=None,
            difficulty=None, note="", item=SimpleNamespace(exercise=SimpleNamespace(name="Bird dog")),
        )  # fmt: skip
        return SimpleNamespace(**(base | fields))

    html = log_rows_html(
        [
            log(sets_done=3, reps_done=10, pain=8, difficulty=4, note="Sore <after>"),
            log(completed=False, sets_done=1, pain=2),
            log(reps_done=1, difficulty=0),
        ],
        high_pain=7,
    )
    rows = html.split("</tr>")[:3]
    assert rows[0] == (
        f"<tr><td>Mon 2 Nov</td><td>Bird dog</td><td>yes (3 sets {X} 10)</td>"
        '<td class="num"><span class="pain-high">8</span></td><td class="num">4</td>'
        '<td class="note">Sore &lt;after&gt;</td>'
    )
    assert "<td>no (1 set)</td>" in rows[1] and "<span>2</span>" in rows[1]
    assert '<td>yes (1 rep)</td><td class="num"></td><td class="num">0</td>' in rows[2]
