"""The progression rules, as plain functions over one line's recent history.

No database here: the daily pass (programs.services.suggestions) loads the rows and
hands each line's sessions to `judge_line`; the tests feed it seeded histories.

A *session* of a line is one local date on which the line was scheduled. It is
**complete** when at least `times_per_day` of that date's logs of the line are
fully done: marked completed, with every prescribed part of the dose (sets, reps,
hold, duration) reached. A part the patient did not report counts as done as
prescribed; a part reported below the prescription is a failed set.

The count restarts whenever the line's prescription changes (another exercise, or
another dose): only sessions under the prescription in force now are judged, so a
line swapped by hand, or just advanced, starts from nothing.

- **advance** when there are at least `advance_window` (N) such sessions, at least
  `advance_complete` (M) of the last N are complete, no reported pain in them is
  above `advance_max_pain` and no difficulty above `advance_max_difficulty`;
- **regress** when the last two sessions with a pain report both reported pain at
  or above `regress_pain`, or the line's average pain over the last 7 days (under
  the current prescription) is at least `regress_pain_rise` above the 7 days
  before (under any prescription: pain that rises after a progression counts);
  the last 7 days need two sessions with a pain report under the current one.
  A session's pain is the worst it reported. Regress wins over advance.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

ADVANCE = "advance"
REGRESS = "regress"
PAIN_WEEK_DAYS = 7


@dataclass(frozen=True)
class Rule:
    """One rule's numbers; the field defaults are the clinic-wide defaults."""

    advance_complete: int = 3
    advance_window: int = 4
    advance_max_pain: int = 3
    advance_max_difficulty: int = 6
    regress_pain: int = 6
    regress_pain_rise: int = 2
    # The line's range, used at the end of a chain.
    max_sets: int = 3
    max_reps: int = 15
    reps_step: int = 2
    max_hold_seconds: int = 45
    hold_step_seconds: int = 5
    max_duration_seconds: int = 1800
    duration_step_seconds: int = 60
    min_reps: int = 6
    min_hold_seconds: int = 10
    min_duration_seconds: int = 60


RULE_FIELDS = tuple(Rule.__dataclass_fields__)


class Dose(NamedTuple):
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    duration_seconds: int | None = None


class Prescription(NamedTuple):
    """What makes a line's count restart when it changes."""

    exercise_id: int
    dose: Dose


class LogDone(NamedTuple):
    """What one log says was done."""

    completed: bool = True
    sets_done: int | None = None
    reps_done: int | None = None
    hold_seconds_done: int | None = None
    duration_seconds_done: int | None = None
    pain: int | None = None
    difficulty: int | None = None


@dataclass(frozen=True)
class Session:
    """One scheduled date of a line, judged once when made: complete, failed, and the
    worst pain and difficulty it reported (the daily pass makes a few hundred
    thousand of these, so they are plain attributes rather than cached properties)."""

    date: dt.date
    prescription: Prescription
    times_per_day: int = 1
    logs: Sequence[LogDone] = field(default_factory=tuple)
    complete: bool = field(init=False)
    # A log says the patient tried and fell short (or marked it not done).
    failed: bool = field(init=False)
    pain: int | None = field(init=False)
    difficulty: int | None = field(init=False)

    def __post_init__(self):
        dose = self.prescription.dose
        full = [log_fully_done(dose, log) for log in self.logs]
        pains = [log.pain for log in self.logs if log.pain is not None]
        difficulties = [log.difficulty for log in self.logs if log.difficulty is not None]
        set_attribute = object.__setattr__
        set_attribute(self, "complete", sum(full) >= self.times_per_day)
        set_attribute(self, "failed", not all(full))
        set_attribute(self, "pain", max(pains, default=None))
        set_attribute(self, "difficulty", max(difficulties, default=None))


@dataclass(frozen=True)
class Verdict:
    kind: str  # ADVANCE or REGRESS
    evidence: str
    window_start: dt.date
    window_end: dt.date
    detail: dict


def log_fully_done(dose: Dose, log: LogDone) -> bool:
    if not log.completed:
        return False
    pairs = (
        (dose.sets, log.sets_done),
        (dose.reps, log.reps_done),
        (dose.hold_seconds, log.hold_seconds_done),
        (dose.duration_seconds, log.duration_seconds_done),
    )
    return all(target is None or done is None or done >= target for target, done in pairs)


def judge_line(
    *, sessions: Sequence[Session], current: Prescription, rule: Rule, yesterday: dt.date
) -> Verdict | None:
    """Advance, regress or nothing for one line. `sessions` are the line's scheduled
    dates up to and including `yesterday`, in date order, under any prescription."""
    trailing = _since_last_change(sessions, current)
    return _regress(sessions, trailing, rule, yesterday) or _advance(trailing, rule)


def _since_last_change(sessions: Sequence[Session], current: Prescription) -> list[Session]:
    trailing: list[Session] = []
    for session in reversed(sessions):
        if session.prescription != current:
            break
        trailing.append(session)
    trailing.reverse()
    return trailing


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def _advance(trailing: list[Session], rule: Rule) -> Verdict | None:
    window = trailing[-rule.advance_window :]
    if len(window) < rule.advance_window:
        return None
    complete = sum(1 for session in window if session.complete)
    if complete < rule.advance_complete or any(session.failed for session in window):
        return None
    pains = [s.pain for s in window if s.pain is not None]
    difficulties = [s.difficulty for s in window if s.difficulty is not None]
    if any(p > rule.advance_max_pain for p in pains):
        return None
    if any(d > rule.advance_max_difficulty for d in difficulties):
        return None
    parts = [f"{complete} of {len(window)} sessions complete"]
    if pains:
        parts.append(f"pain {_span(pains)}")
    if difficulties:
        parts.append(f"difficulty {_span(difficulties)}")
    return Verdict(
        kind=ADVANCE,
        evidence=", ".join(parts),
        window_start=window[0].date,
        window_end=window[-1].date,
        detail={"complete": complete, "sessions": len(window), "pain": pains},
    )


def _regress(
    sessions: Sequence[Session], trailing: list[Session], rule: Rule, yesterday: dt.date
) -> Verdict | None:
    reported = [s for s in trailing if s.pain is not None]
    last_two = reported[-2:]
    if len(last_two) == 2 and all(s.pain >= rule.regress_pain for s in last_two):
        return Verdict(
            kind=REGRESS,
            evidence=f"pain {last_two[0].pain} then {last_two[1].pain} on the last 2 sessions",
            window_start=last_two[0].date,
            window_end=last_two[1].date,
            detail={"pain": [s.pain for s in last_two]},
        )
    if not trailing:
        return None
    recent_start = yesterday - dt.timedelta(days=PAIN_WEEK_DAYS - 1)
    before_start = recent_start - dt.timedelta(days=PAIN_WEEK_DAYS)
    recent = [s for s in trailing if s.date >= recent_start and s.pain is not None]
    before = [s for s in sessions if before_start <= s.date < recent_start and s.pain is not None]
    if len(recent) < 2 or not before:
        return None  # one session is no average
    recent_sum, before_sum = sum(s.pain for s in recent), sum(s.pain for s in before)
    # Compared exactly, in whole numbers: recent/nr - before/nb >= rise.
    rise = recent_sum * len(before) - before_sum * len(recent)
    if rise < rule.regress_pain_rise * len(recent) * len(before):
        return None
    recent_average = round(recent_sum / len(recent), 1)
    before_average = round(before_sum / len(before), 1)
    return Verdict(
        kind=REGRESS,
        evidence=f"7-day pain average up from {before_average:g} to {recent_average:g}",
        window_start=recent[0].date,
        window_end=recent[-1].date,
        detail={"recent_average": recent_average, "previous_average": before_average},
    )


# --- What advancing or regressing does to a dose --------------------------------
def dose_advanced(dose: Dose, rule: Rule) -> Dose | None:
    """One step more within the line's range, or None when it is at the top."""
    if dose.reps is not None and dose.reps < rule.max_reps:
        return dose._replace(reps=min(dose.reps + rule.reps_step, rule.max_reps))
    if dose.hold_seconds is not None and dose.hold_seconds < rule.max_hold_seconds:
        held = min(dose.hold_seconds + rule.hold_step_seconds, rule.max_hold_seconds)
        return dose._replace(hold_seconds=held)
    if dose.duration_seconds is not None and dose.duration_seconds < rule.max_duration_seconds:
        longer = min(dose.duration_seconds + rule.duration_step_seconds, rule.max_duration_seconds)
        return dose._replace(duration_seconds=longer)
    if dose.sets is not None and dose.sets < rule.max_sets:
        return dose._replace(sets=dose.sets + 1)
    return None


def dose_regressed(dose: Dose, rule: Rule) -> Dose | None:
    """One step less, or None when it is already at the bottom."""
    if dose.sets is not None and dose.sets > 1:
        return dose._replace(sets=dose.sets - 1)
    if dose.reps is not None and dose.reps > rule.min_reps:
        return dose._replace(reps=max(dose.reps - rule.reps_step, rule.min_reps))
    if dose.hold_seconds is not None and dose.hold_seconds > rule.min_hold_seconds:
        held = max(dose.hold_seconds - rule.hold_step_seconds, rule.min_hold_seconds)
        return dose._replace(hold_seconds=held)
    if dose.duration_seconds is not None and dose.duration_seconds > rule.min_duration_seconds:
        shorter = max(dose.duration_seconds - rule.duration_step_seconds, rule.min_duration_seconds)
        return dose._replace(duration_seconds=shorter)
    return None


def describe_dose(dose: Dose) -> str:
    parts = []
    if dose.sets:
        parts.append("1 set" if dose.sets == 1 else f"{dose.sets} sets")
    if dose.reps:
        parts.append(f"{dose.reps} reps")
    if dose.hold_seconds:
        parts.append(f"{dose.hold_seconds} s hold")
    if dose.duration_seconds:
        parts.append(f"{dose.duration_seconds} s")
    return ", ".join(parts)
