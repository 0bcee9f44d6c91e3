"""How the console turns DayStatus rows into a calendar, a pain chart and history."""

import datetime as dt
import uuid
from types import SimpleNamespace

import time_machine

from programs.adherence import DayStatus
from programs.selectors.console import PatientRow, RemoteMonitoring
from programs.web.present import (
    calendar_days,
    calendar_weeks,
    dose_text,
    log_rows_html,
    pain_chart,
    patient_rows_html,
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
    one_held = SimpleNamespace(sets=1, reps=None, hold_seconds=20, duration_seconds=None)
    assert dose_text(one_held) == "1 set, hold 20 s"


def test_log_rows_read_as_the_logs_table_did():
    def log(**fields):
        base = dict(
            date=MONDAY, completed=True, sets_done=None, reps_done=None, pain=None,
            difficulty=None, note="", exercise="Bird dog",
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


class ListedPatient(SimpleNamespace):
    def __str__(self) -> str:
        return self.name


def test_patient_rows_read_as_the_list_template_did():
    """Each cell of the patient list, as the template wrote it: the link and invited tag,
    the adherence bar, the last log, the latest pain, alerts, data days, NPRS change."""
    now = dt.datetime(2026, 11, 9, 12, 0, tzinfo=dt.UTC)

    def row(pk, name, *, activated=True, rate=None, last_log_at=None, alerts=0, change=None,
            days=0, pain=None, pain_on=None):  # fmt: skip
        user = SimpleNamespace(has_usable_password=lambda: activated)
        patient = ListedPatient(
            pk=pk, name=name, user=user, last_log_at=last_log_at, open_alerts=alerts,
            change_since_start=change,
        )  # fmt: skip
        return PatientRow(patient, rate, RemoteMonitoring(days, pain, pain_on))

    with time_machine.travel(now, tick=False):
        html = patient_rows_html(
            [
                row(
                    7,
                    "Ann <Lee>",
                    rate=84.6,
                    last_log_at=now - dt.timedelta(days=3),
                    alerts=2,
                    change=-2.25,
                    days=16,
                    pain=7.5,
                    pain_on=MONDAY,
                ),
                row(8, "Ben Osei", activated=False),
                row(9, "Cy Dale", rate=0.0, days=1, pain=3.0, pain_on=MONDAY),
            ]
        )
    rows = html.split("\n")
    assert len(rows) == 3
    assert rows[0] == (
        '<tr><td><a href="/clinic/patients/7/">Ann &lt;Lee&gt;</a></td>'
        '<td><span class="bar" aria-hidden="true"><span class="w80"></span></span>85%</td>'
        '<td><time datetime="2026-11-06T12:00:00+00:00">3\xa0days ago</time></td>'
        '<td><span class="pain-high">7.5/10</span> <span class="muted">2 Nov</span></td>'
        '<td class="num"><span class="tag tag--alert">2</span></td>'
        '<td class="num">16</td><td class="num">-2.3</td></tr>'
    )
    assert rows[1] == (
        '<tr><td><a href="/clinic/patients/8/">Ben Osei</a> <span class="tag">invited</span></td>'
        '<td><span class="muted">nothing scheduled</span></td>'
        '<td><span class="muted">never</span></td><td><span class="muted">\N{EM DASH}</span></td>'
        '<td class="num">0</td><td class="num">0</td>'
        '<td class="num"><span class="muted">\N{EM DASH}</span></td></tr>'
    )
    assert '<span class="w0"></span></span>0%</td>' in rows[2]
    assert '<td><span>3.0/10</span> <span class="muted">2 Nov</span></td>' in rows[2]
