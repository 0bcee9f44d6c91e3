"""Minimal clinically important difference: has a patient's change since the
start mattered? Pure: scores in, verdict out.

- NPRS (lower is better): improved by at least 2 points, or by at least 30% of
  the baseline score.
- PSFS (higher is better): the mean of the three activities rose by at least 2.
GROC has no baseline (it is itself a rating of change), so it has no MCID here.
"""

from dataclasses import dataclass

from programs.outcomes.measures import Measure

NPRS_POINTS = 2.0
NPRS_SHARE = 0.30
PSFS_POINTS = 2.0
LOWER_IS_BETTER = {Measure.NPRS: True, Measure.PSFS: False}


@dataclass(frozen=True)
class McidResult:
    baseline: float
    latest: float
    change: float  # latest - baseline, as measured
    improvement: float  # change in the direction that is better (positive = better)
    threshold: float  # the improvement needed to pass
    passed: bool


def mcid_threshold(measure: str, baseline: float) -> float:
    if measure == Measure.NPRS:
        # Whichever of the two rules is easier to meet; a baseline of 0 cannot improve.
        return min(NPRS_POINTS, NPRS_SHARE * baseline) if baseline > 0 else NPRS_POINTS
    if measure == Measure.PSFS:
        return PSFS_POINTS
    raise ValueError(f"{measure!r} has no minimal clinically important difference")


def mcid_result(measure: str, *, baseline: float, latest: float) -> McidResult:
    change = round(latest - baseline, 2)
    improvement = -change if LOWER_IS_BETTER[measure] else change
    threshold = round(mcid_threshold(measure, baseline), 2)
    # Rounded first so that 30% of 6.67 (2.0) is met by a fall of exactly 2.0.
    return McidResult(
        baseline=baseline,
        latest=latest,
        change=change,
        improvement=improvement,
        threshold=threshold,
        passed=improvement > 0 and improvement >= threshold,
    )
