"""Exact at the boundaries: every health and grade line, exactly on it and one hundredth either side.

DESIGN.md "Exactness": an item exactly on a line gets the better band. In binary floating point
0.8 − 0.1 = 0.7000000000000001 and 0.55 − 0.25 = 0.30000000000000004, so before the method
compared exact values 0.70 against a pace of 0.80 was "at risk" and 0.30 against 0.55 "off track".
"""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from planboard.core import progress

D = datetime.date


@pytest.mark.parametrize(
    ("value", "pace", "health"),
    [
        # the on-track line is pace − 0.10
        (0.70, 0.80, "on_track"),  # 0.70 ≥ 0.80 − 0.10 = 0.70: on the line, the better band
        (0.71, 0.80, "on_track"),  # 0.71 ≥ 0.70
        (0.69, 0.80, "at_risk"),  # 0.69 < 0.70, ≥ 0.80 − 0.25 = 0.55
        (0.20, 0.30, "on_track"),  # 0.30 − 0.10 = 0.20 (0.3 − 0.1 = 0.19999999999999998 in floats)
        (0.50, 0.60, "on_track"),  # 0.60 − 0.10 = 0.50
        # the at-risk line is pace − 0.25
        (0.30, 0.55, "at_risk"),  # 0.30 ≥ 0.55 − 0.25 = 0.30: on the line, at risk not off track
        (0.31, 0.55, "at_risk"),  # 0.31 ≥ 0.30 (and < 0.45)
        (0.29, 0.55, "off_track"),  # 0.29 < 0.30
        (0.35, 0.60, "at_risk"),  # 0.60 − 0.25 = 0.35
        (0.34, 0.60, "off_track"),
        # completed at exactly 1
        (1.00, 0.80, "completed"),
        (0.99, 0.80, "on_track"),  # 0.99 ≥ 0.70
    ],
)
def test_health_on_each_line_and_one_hundredth_either_side(value, pace, health):
    assert progress.health(value, pace) == health


@pytest.mark.parametrize("pace_percent", range(0, 101))
def test_health_of_every_whole_percent_pair_is_the_whole_number_rule(pace_percent):
    # With whole percents the rule is integer arithmetic: on track when p ≥ q − 10, at risk when
    # p ≥ q − 25. About 31 of these pairs came out a band worse in floating point.
    pace = pace_percent / 100
    for percent in range(0, 100):
        if percent >= pace_percent - 10:
            expected = "on_track"
        elif percent >= pace_percent - 25:
            expected = "at_risk"
        else:
            expected = "off_track"
        assert progress.health(percent / 100, pace) == expected, (percent, pace_percent)


def test_health_with_a_pace_counted_in_days():
    # 80 of 100 days elapsed: pace 80 / 100 = 0.80; 70% is on the on-track line 0.80 − 0.10 = 0.70.
    pace = progress.pace(D(2025, 1, 1), D(2025, 4, 11), D(2025, 3, 22))
    assert pace == 0.8
    assert progress.health(progress.initiative_progress("on_track", 70), pace) == "on_track"
    # 55 of 100 days: pace 0.55; 30% is on the at-risk line 0.55 − 0.25 = 0.30.
    pace = progress.pace(D(2025, 1, 26), D(2025, 5, 6), D(2025, 3, 22))
    assert pace == 0.55
    assert progress.health(progress.initiative_progress("on_track", 30), pace) == "at_risk"


@pytest.mark.parametrize(
    ("value", "pace", "grade"),
    [
        # ratio = min(progress / pace, 1), pace 0.80 throughout; a hundredth of progress is 0.0125 of ratio
        (0.72, 0.80, "A"),  # 0.72 / 0.80 = 0.90: on the A line (0.8999999999999999 in floats)
        (0.73, 0.80, "A"),  # 0.9125
        (0.71, 0.80, "B"),  # 0.8875
        (0.64, 0.80, "B"),  # 0.64 / 0.80 = 0.80: on the B line
        (0.65, 0.80, "B"),  # 0.8125
        (0.63, 0.80, "C"),  # 0.7875
        (0.56, 0.80, "C"),  # 0.56 / 0.80 = 0.70: on the C line (0.7000000000000001 in floats)
        (0.57, 0.80, "C"),  # 0.7125
        (0.55, 0.80, "D"),  # 0.6875
        (0.48, 0.80, "D"),  # 0.48 / 0.80 = 0.60: on the D line (0.6 in floats, 0.5999… elsewhere)
        (0.49, 0.80, "D"),  # 0.6125
        (0.47, 0.80, "F"),  # 0.5875
        (0.81, 0.80, "A"),  # ahead of pace: capped at 1
        (0.00, 0.00, "A"),  # pace 0: nothing expected yet, ratio 1
        (None, 0.80, None),  # no progress: not graded
    ],
)
def test_grade_on_each_line_and_one_hundredth_either_side(value, pace, grade):
    assert progress.grade(value, pace) == grade


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [
        (0.90, "A"),
        (0.91, "A"),
        (0.89, "B"),
        (0.80, "B"),
        (0.81, "B"),
        (0.79, "C"),
        (0.70, "C"),
        (0.71, "C"),
        (0.69, "D"),
        (0.60, "D"),
        (0.61, "D"),
        (0.59, "F"),
    ],
)
def test_grade_on_each_ratio_line_and_one_hundredth_either_side(ratio, grade):
    # progress = ratio × 0.70 against a pace of 0.70: 0.9 × 0.7 = 0.63 exactly
    assert progress.grade(float(Fraction(str(ratio)) * Fraction(7, 10)), 0.70) == grade


def test_a_pace_that_no_decimal_holds_is_read_back_exactly():
    # 200 of 360 days: pace 5/9 = 0.5555…; progress 0.50 is 0.50 / (5/9) = 0.90, an A. Nine decimals
    # (0.555555556) would make it 0.8999999993, a B.
    pace = progress.pace(D(2025, 1, 1), D(2025, 12, 27), D(2025, 7, 20))
    assert progress.exact(pace) == Fraction(5, 9)
    assert progress.grade(0.50, pace) == "A"
    assert progress.grade(0.49, pace) == "B"  # 0.49 × 9 / 5 = 0.882


def test_exact_reads_stored_floats_as_the_fractions_they_stand_for():
    assert progress.exact(0.8 - 0.1) == Fraction(7, 10)
    assert progress.exact(0.55 - 0.25) == Fraction(3, 10)
    assert progress.exact(1 / 3) == Fraction(1, 3)
    assert progress.exact(Decimal("0.38656")) == Fraction(38656, 100000)
    assert progress.exact(0.145) == Fraction(29, 200)


def test_attainment_is_clamped_exactly():
    # (4.7 − 3.2) / (10 − 3.2) = 1.5 / 6.8 = 15 / 68, stored as the float nearest to it
    assert progress.exact(progress.metric_attainment(Decimal("3.2"), Decimal("10"), Decimal("4.7"))) == Fraction(15, 68)
    # a reading exactly on target is 1, so the metric is completed
    attainment = progress.metric_attainment(Decimal("0.1"), Decimal("0.3"), Decimal("0.3"))
    assert attainment == 1.0 and progress.health(attainment, 0.5) == "completed"
    # (0.2 − 0.1) / (0.3 − 0.1) = 0.5 exactly (0.5000000000000001 in floats)
    assert progress.metric_attainment(Decimal("0.1"), Decimal("0.3"), Decimal("0.2")) == 0.5
    # lower is better, beaten: (2 − 10) / (4 − 10) = 8 / 6, clamped to 1
    assert progress.metric_attainment(Decimal("10"), Decimal("4"), Decimal("2")) == 1.0
