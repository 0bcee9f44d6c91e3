"""The minimal clinically important difference, in the direction that is better."""

import pytest

from programs.outcomes.mcid import mcid_result, mcid_threshold


@pytest.mark.parametrize(
    ("baseline", "latest", "passed", "improvement", "threshold"),
    [
        (7.0, 5.0, True, 2.0, 2.0),  # 2 points
        (7.0, 5.33, False, 1.67, 2.0),  # short of 2 points and of 30% (2.1)
        (3.0, 2.0, True, 1.0, 0.9),  # 30% of a low baseline is under 2 points
        (3.0, 2.33, False, 0.67, 0.9),
        (5.0, 7.0, False, -2.0, 1.5),  # worse pain never passes
        (0.0, 0.0, False, 0.0, 2.0),  # nothing to improve
        (10.0, 8.0, True, 2.0, 2.0),
    ],
)
def test_nprs_lower_is_better_2_points_or_30_percent(
    baseline, latest, passed, improvement, threshold
):
    result = mcid_result("nprs", baseline=baseline, latest=latest)
    assert result.passed is passed
    assert result.improvement == pytest.approx(improvement)
    assert result.threshold == pytest.approx(threshold)
    assert result.change == pytest.approx(latest - baseline, abs=0.01)


@pytest.mark.parametrize(
    ("baseline", "latest", "passed", "improvement"),
    [
        (3.0, 5.0, True, 2.0),
        (3.0, 4.67, False, 1.67),
        (6.0, 3.0, False, -3.0),  # a fall in function never passes
        (2.33, 9.0, True, 6.67),
    ],
)
def test_psfs_higher_is_better_2_points_on_the_mean(baseline, latest, passed, improvement):
    result = mcid_result("psfs", baseline=baseline, latest=latest)
    assert result.passed is passed
    assert result.improvement == pytest.approx(improvement)
    assert result.threshold == 2.0


def test_groc_has_no_mcid():
    with pytest.raises(ValueError, match="no minimal clinically important difference"):
        mcid_threshold("groc", 3.0)
