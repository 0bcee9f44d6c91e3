"""The progression rules over seeded per-session histories (no database)."""

import datetime as dt

from programs.progression import (
    ADVANCE,
    REGRESS,
    Dose,
    LogDone,
    Prescription,
    Rule,
    Session,
    describe_dose,
    dose_advanced,
    dose_regressed,
    judge_line,
)

RULE = Rule()
BRIDGE = Prescription(exercise_id=1, dose=Dose(sets=3, reps=10))
YESTERDAY = dt.date(2026, 3, 20)


def done(pain=1, difficulty=4, **kwargs) -> LogDone:
    return LogDone(completed=True, pain=pain, difficulty=difficulty, **kwargs)


def history(*days, prescription=BRIDGE, times=1, end=YESTERDAY):
    """One session per entry, the last on `end`; an entry is a list of logs."""
    start = end - dt.timedelta(days=len(days) - 1)
    return [
        Session(
            date=start + dt.timedelta(days=i),
            prescription=prescription,
            times_per_day=times,
            logs=tuple(logs),
        )
        for i, logs in enumerate(days)
    ]


def judge(sessions, current=BRIDGE, rule=RULE):
    return judge_line(sessions=sessions, current=current, rule=rule, yesterday=YESTERDAY)


def test_three_of_four_complete_and_comfortable_advances_with_evidence():
    verdict = judge(history([done(pain=1)], [], [done(pain=2)], [done(pain=1)]))
    assert verdict.kind == ADVANCE
    assert verdict.evidence == "3 of 4 sessions complete, pain 1-2, difficulty 4"
    assert verdict.window_start == YESTERDAY - dt.timedelta(days=3)
    assert verdict.window_end == YESTERDAY


def test_not_enough_sessions_yet():
    assert judge(history([done()], [done()], [done()])) is None


def test_a_failed_set_blocks_an_advance():
    # Three complete sessions would do ("3 of 4"), but the fourth has a set short.
    sessions = history([done()], [done()], [done(sets_done=2, reps_done=10)], [done()])
    assert judge(sessions) is None
    # A session simply missed is what "3 of 4" allows.
    assert judge(history([done()], [done()], [], [done()])).kind == ADVANCE


def test_fewer_reps_than_prescribed_is_a_failed_set():
    sessions = history([done()], [done(reps_done=8)], [done(reps_done=10)], [done()])
    assert judge(sessions) is None
    sessions = history([done()], [done(reps_done=12)], [done(reps_done=10)], [done()])
    assert judge(sessions).evidence.startswith("4 of 4")


def test_a_log_not_marked_completed_blocks_too():
    sessions = history([done()], [LogDone(completed=False)], [done()], [done()])
    assert judge(sessions) is None


def test_a_painful_session_blocks_an_advance():
    sessions = history([done()], [done(pain=4)], [done()], [done()])
    assert judge(sessions) is None


def test_a_hard_session_blocks_an_advance():
    sessions = history([done()], [done(difficulty=7)], [done()], [done()])
    assert judge(sessions) is None


def test_a_line_swapped_by_hand_restarts_the_count():
    swapped = Prescription(exercise_id=2, dose=Dose(sets=3, reps=10))
    before = history([done()], [done()], [done()], end=YESTERDAY - dt.timedelta(days=2))
    after = history([done()], [done()], prescription=swapped)
    assert judge(before + after, current=swapped) is None
    # Two more complete sessions of the new exercise and it advances.
    later = history([done()], [done()], [done()], [done()], prescription=swapped)
    assert judge(before[:1] + later, current=swapped).kind == ADVANCE


def test_a_dose_change_restarts_the_count_too():
    heavier = Prescription(exercise_id=1, dose=Dose(sets=3, reps=12))
    sessions = history([done()], [done()], [done()]) + history([done()], prescription=heavier)
    assert judge(sessions, current=heavier) is None


def test_times_per_day_needs_every_time_done():
    twice = [done(), done()]
    once = [done()]
    sessions = history(twice, once, twice, once, times=2)
    assert judge(sessions) is None
    sessions = history(twice, once, twice, twice, times=2)
    assert judge(sessions).evidence.startswith("3 of 4 sessions complete")


def test_hold_dose_must_be_held_for_its_time():
    plank = Prescription(exercise_id=3, dose=Dose(sets=3, hold_seconds=30))
    short = [done(hold_seconds_done=20)]
    full = [done(hold_seconds_done=30)]
    assert judge(history(full, short, full, full, prescription=plank), current=plank) is None
    verdict = judge(history(full, [], full, full, prescription=plank), current=plank)
    assert verdict.kind == ADVANCE


def test_duration_dose_must_last_its_time():
    roll = Prescription(exercise_id=4, dose=Dose(duration_seconds=120))
    short = [done(duration_seconds_done=90)]
    full = [done(duration_seconds_done=120)]
    assert judge(history(full, full, full, short, prescription=roll), current=roll) is None
    assert judge(history(full, full, [], full, prescription=roll), current=roll).kind == ADVANCE


def test_two_painful_sessions_in_a_row_regress():
    sessions = history([done()], [done()], [done(pain=6)], [], [done(pain=7)])
    verdict = judge(sessions)
    assert verdict.kind == REGRESS
    assert verdict.evidence == "pain 6 then 7 on the last 2 sessions"


def test_one_painful_session_between_easy_ones_does_not_regress():
    assert judge(history([done(pain=7)], [done(pain=2)], [done(pain=6)], [done(pain=1)])) is None


def test_pain_rising_over_a_week_regresses():
    week_before = [[done(pain=1)]] * 7
    this_week = [[done(pain=3)], [done(pain=4)], [done(pain=3)], [], [], [], []]
    verdict = judge(history(*week_before, *this_week))
    assert verdict.kind == REGRESS
    assert verdict.evidence == "7-day pain average up from 1 to 3.3"


def test_pain_rise_after_an_advance_counts_the_week_before_it():
    harder = Prescription(exercise_id=2, dose=Dose(sets=3, reps=8))
    before = history(*[[done(pain=1)]] * 7, end=YESTERDAY - dt.timedelta(days=7))
    after = history(*[[done(pain=3)]] * 7, prescription=harder)
    assert judge(before + after, current=harder).kind == REGRESS


def test_a_rule_with_other_numbers():
    strict = Rule(advance_complete=4, advance_window=4, advance_max_pain=1)
    sessions = history([done()], [done(pain=2)], [done()], [done()])
    assert judge(sessions).kind == ADVANCE
    assert judge(sessions, rule=strict) is None


def test_dose_steps_within_the_range():
    assert dose_advanced(Dose(sets=2, reps=10), RULE) == Dose(sets=2, reps=12)
    assert dose_advanced(Dose(sets=2, reps=14), RULE) == Dose(sets=2, reps=15)
    assert dose_advanced(Dose(sets=2, reps=15), RULE) == Dose(sets=3, reps=15)
    assert dose_advanced(Dose(sets=3, reps=15), RULE) is None
    assert dose_advanced(Dose(sets=3, hold_seconds=30), RULE) == Dose(sets=3, hold_seconds=35)
    assert dose_advanced(Dose(duration_seconds=1790), RULE) == Dose(duration_seconds=1800)
    assert dose_regressed(Dose(sets=3, reps=10), RULE) == Dose(sets=2, reps=10)
    assert dose_regressed(Dose(sets=1, reps=7), RULE) == Dose(sets=1, reps=6)
    assert dose_regressed(Dose(sets=1, reps=6), RULE) is None
    assert describe_dose(Dose(sets=3, reps=12)) == "3 sets, 12 reps"
    assert describe_dose(Dose(sets=1, hold_seconds=30)) == "1 set, 30 s hold"
