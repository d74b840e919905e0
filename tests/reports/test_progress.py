"""The method of DESIGN.md "How progress is computed", rule by rule, with the arithmetic by hand."""

import datetime

import pytest

from planboard.core import progress
from planboard.core.progress import PlanInputs, PlanWindow, compute_plan

D = datetime.date


@pytest.mark.parametrize(
    ("status", "percent", "expected"),
    [
        ("on_track", 40, 0.40),  # 40 / 100
        ("at_risk", 0, 0.0),
        ("completed", 100, 1.0),
        ("not_started", 0, 0.0),
    ],
)
def test_initiative_progress_is_percent_over_100(status, percent, expected):
    assert progress.initiative_progress(status, percent) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("status", "counted"),
    [
        ("cancelled", False),
        ("on_hold", False),
        ("on_track", True),
        ("completed", True),
        ("not_started", True),
    ],
)
def test_cancelled_and_on_hold_are_not_counted(status, counted):
    assert progress.is_counted(status) is counted


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "expected"),
    [
        (50, 90, 70, 0.5),  # (70 − 50) / (90 − 50) = 20 / 40
        (50, 90, 95, 1.0),  # 45 / 40 = 1.125, clamped to 1
        (50, 90, 40, 0.0),  # −10 / 40 = −0.25, clamped to 0
        (10, 4, 7, 0.5),  # lower is better: (7 − 10) / (4 − 10) = −3 / −6
        (10, 4, 12, 0.0),  # got worse: (12 − 10) / (4 − 10) = −0.33, clamped to 0
        (10, 4, 2, 1.0),  # beat the target: −8 / −6 = 1.33, clamped to 1
        (50, 90, None, None),  # no reading: none, not zero
    ],
)
def test_metric_attainment_serves_both_directions_and_clamps(baseline, target, latest, expected):
    result = progress.metric_attainment(baseline, target, latest)
    assert result == (None if expected is None else pytest.approx(expected))


def test_none_never_counts_as_zero_in_a_mean():
    # mean(0.6, none, 0.2) = (0.6 + 0.2) / 2 = 0.4, not (0.6 + 0 + 0.2) / 3 = 0.267
    assert progress.mean([0.6, None, 0.2]) == pytest.approx(0.4)
    assert progress.mean([None, None]) is None
    # weighted: (0.5 × 1 + 0.8 × 3) / (1 + 3) = 2.9 / 4 = 0.725; the none child's weight 5 is left out
    assert progress.weighted_mean([(0.5, 1), (0.8, 3), (None, 5)]) == pytest.approx(0.725)
    assert progress.weighted_mean([(None, 1)]) is None
    assert progress.weighted_mean([(0.5, 0), (0.9, 0)]) is None  # nothing carries weight


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (0.0, 0.2),  # 0 × 0.8 + 1 × 0.2
        (0.5, 0.5),  # 0.5 × 0.8 + 0.5 × 0.2 = 0.4 + 0.1
        (1.0, 0.8),  # 1 × 0.8 + 0 × 0.2
    ],
)
def test_objective_blends_metrics_and_initiatives_by_metric_share(share, expected):
    assert progress.objective_progress(0.8, 0.2, share) == pytest.approx(expected)


def test_objective_side_without_figure_lets_the_other_stand_alone():
    assert progress.objective_progress(None, 0.3, 0.5) == pytest.approx(0.3)
    assert progress.objective_progress(0.7, None, 0.5) == pytest.approx(0.7)
    assert progress.objective_progress(None, None, 0.5) is None


def test_pace_is_the_elapsed_share_of_the_window():
    # 2024-01-01 → 2025-01-01 is 366 days; by 2024-07-01, 182 have elapsed: 182 / 366 = 0.497
    assert progress.pace(D(2024, 1, 1), D(2025, 1, 1), D(2024, 7, 1)) == pytest.approx(182 / 366)
    assert progress.pace(D(2024, 1, 1), D(2025, 1, 1), D(2023, 5, 1)) == 0  # not begun
    assert progress.pace(D(2024, 1, 1), D(2025, 1, 1), D(2026, 5, 1)) == 1  # over
    assert progress.pace(None, D(2025, 1, 1), D(2024, 5, 1)) is None


def test_plan_window_and_terms():
    # FY2023..FY2027 with a July start: 2022-07-01 up to (not including) 2027-07-01
    window = PlanWindow(2023, 2027, 7)
    assert (window.start, window.end) == (D(2022, 7, 1), D(2027, 7, 1))
    # short term = the first two fiscal years, FY2023 and FY2024, so it ends before 2024-07-01
    assert window.term_end("short") == D(2024, 7, 1)
    assert window.term_end("long") == D(2027, 7, 1)
    # a one-year plan: short term cannot run past the plan
    assert PlanWindow(2018, 2018, 1).term_end("short") == D(2019, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected_pace", "health"),
    [
        (0.50, 0.60, "on_track"),  # 0.50 ≥ 0.60 − 0.10 = 0.50: the boundary is on track
        (0.49, 0.60, "at_risk"),  # below 0.50 but ≥ 0.60 − 0.25 = 0.35
        (0.35, 0.60, "at_risk"),  # exactly 0.35: at risk
        (0.34, 0.60, "off_track"),  # below 0.35
        (1.00, 0.60, "completed"),
        (0.00, 0.05, "on_track"),  # 0 ≥ 0.05 − 0.10
        (None, 0.60, ""),  # nothing to measure: no health
    ],
)
def test_each_health_threshold(value, expected_pace, health):
    assert progress.health(value, expected_pace) == health


@pytest.mark.parametrize(
    ("value", "expected_pace", "grade"),
    [
        (0.45, 0.50, "A"),  # 0.45 / 0.50 = 0.90
        (0.4499, 0.50, "B"),  # 0.8998
        (0.40, 0.50, "B"),  # 0.80
        (0.35, 0.50, "C"),  # 0.70
        (0.30, 0.50, "D"),  # 0.60
        (0.2999, 0.50, "F"),  # 0.5998
        (0.90, 0.50, "A"),  # ahead of pace: ratio capped at 1
        (0.00, 0.00, "A"),  # pace 0: ratio is 1
        (None, 0.50, None),  # no progress: not graded
    ],
)
def test_each_grade_boundary(value, expected_pace, grade):
    assert progress.grade(value, expected_pace) == grade


@pytest.mark.parametrize(
    ("status", "last_update", "start", "stale"),
    [
        ("on_track", D(2024, 5, 2), None, False),  # 30 days before 2024-06-01: not older than 30
        ("on_track", D(2024, 5, 1), None, True),  # 31 days: stale
        ("completed", D(2020, 1, 1), None, False),
        ("cancelled", D(2020, 1, 1), None, False),
        ("on_hold", D(2020, 1, 1), None, False),
        ("not_started", None, D(2024, 7, 1), False),  # starts next month
        ("not_started", None, D(2024, 4, 1), True),  # started 61 days ago, never reported
        ("on_track", None, None, True),  # no update and no start date: nothing shows it is alive
    ],
)
def test_staleness(status, last_update, start, stale):
    assert (
        progress.is_stale(
            status=status, last_update_on=last_update, start_date=start, cadence_days=30, today=D(2024, 6, 1)
        )
        is stale
    )


def test_reading_due_after_the_next_period_and_a_grace_month():
    # quarterly, last reading for the period ending 2024-03-31: next period ends 2024-06-30, due 30 days later
    assert progress.reading_due_on(
        frequency="quarterly", latest_period_end=D(2024, 3, 31), baseline_date=D(2023, 1, 1)
    ) == D(2024, 7, 30)
    # monthly from a Jan 31 baseline: Feb has 29 days in 2024, then a grace month
    assert progress.reading_due_on(frequency="monthly", latest_period_end=None, baseline_date=D(2024, 1, 31)) == D(
        2024, 2, 29
    ) + datetime.timedelta(days=30)


def _inputs(**overrides) -> PlanInputs:
    values = dict(
        window=PlanWindow(2023, 2027, 7),
        metric_share=0.5,
        cadence_days=30,
        goals=[{"id": 1, "weight": 1}, {"id": 2, "weight": 3}],
        objectives=[
            {"id": 10, "goal_id": 1, "weight": 1, "term": "long"},
            {"id": 11, "goal_id": 1, "weight": 1, "term": "short"},
            {"id": 20, "goal_id": 2, "weight": 1, "term": "long"},
        ],
        metrics=[
            {
                "id": 100,
                "objective_id": 10,
                "baseline": 0,
                "target": 100,
                "baseline_date": D(2022, 7, 1),
                "target_date": D(2027, 7, 1),
                "latest_value": 60,
            },
            {
                "id": 101,
                "objective_id": 20,
                "baseline": 0,
                "target": 10,
                "baseline_date": D(2022, 7, 1),
                "target_date": D(2027, 7, 1),
                "latest_value": None,
            },
        ],
        initiatives=[
            {
                "id": 1000,
                "status": "on_track",
                "percent_complete": 20,
                "start_date": D(2022, 7, 1),
                "target_date": D(2024, 7, 1),
                "term": "short",
                "last_update_on": D(2024, 6, 1),
                "update_cadence_days": None,
            },
            {
                "id": 1001,
                "status": "cancelled",
                "percent_complete": 90,
                "start_date": None,
                "target_date": None,
                "term": "long",
                "last_update_on": None,
                "update_cadence_days": None,
            },
            {
                "id": 1002,
                "status": "completed",
                "percent_complete": 100,
                "start_date": None,
                "target_date": None,
                "term": "long",
                "last_update_on": D(2023, 1, 1),
                "update_cadence_days": None,
            },
            {
                "id": 1003,
                "status": "at_risk",
                "percent_complete": 50,
                "start_date": D(2022, 7, 1),
                "target_date": D(2026, 7, 1),
                "term": "long",
                "last_update_on": D(2024, 1, 1),
                "update_cadence_days": 90,
            },
        ],
        supports=[(1000, 10), (1001, 10), (1002, 11), (1000, 11), (1003, 20)],
    )
    values.update(overrides)
    return PlanInputs(**values)


def test_a_whole_plan_rolls_up_by_hand():
    figures = compute_plan(_inputs(), today=D(2024, 7, 1))
    # objective 10: M = metric 100 = 60/100 = 0.6; I = initiative 1000 only (1001 cancelled) = 0.2
    #   0.5 × 0.6 + 0.5 × 0.2 = 0.4
    assert figures.objectives[10].progress == pytest.approx(0.4)
    # objective 11: no metric; I = mean(1.0 completed, 0.2) = 0.6
    assert figures.objectives[11].progress == pytest.approx(0.6)
    # objective 20: metric 101 has no reading (none), I = 0.5 → 0.5
    assert figures.objectives[20].progress == pytest.approx(0.5)
    # goal 1 = (0.4 × 1 + 0.6 × 1) / 2 = 0.5; goal 2 = 0.5
    assert figures.goals[1].progress == pytest.approx(0.5)
    assert figures.goals[2].progress == pytest.approx(0.5)
    # plan = (0.5 × 1 + 0.5 × 3) / 4 = 0.5
    assert figures.plan.progress == pytest.approx(0.5)
    # plan pace: 2022-07-01 → 2027-07-01 is 1826 days; 731 elapsed by 2024-07-01
    assert figures.plan.pace == pytest.approx(731 / 1826)
    # short-term objective 11 ends 2024-07-01: pace 1, progress 0.6 < 1 − 0.25 → off track
    assert (figures.objectives[11].pace, figures.objectives[11].health) == (1, "off_track")
    # the cancelled initiative is shown with its own figure but no health
    assert (figures.initiatives[1001].progress, figures.initiatives[1001].health) == (pytest.approx(0.9), "")


def test_stale_counts_roll_up_without_double_counting():
    figures = compute_plan(_inputs(), today=D(2024, 7, 1))
    # 1000: last update 2024-06-01, 30 days before 2024-07-01: fresh. 1003: 2024-01-01 with a 90-day
    # cadence: 182 days, stale. 1001 cancelled and 1002 completed are never stale.
    assert {i for i, f in figures.initiatives.items() if f.stale_count} == {1003}
    assert figures.objectives[20].stale_count == 1
    assert figures.goals[2].stale_count == 1 and figures.goals[1].stale_count == 0
    assert figures.plan.stale_count == 1


def test_zero_weight_goal_is_left_out_of_the_plan():
    inputs = _inputs(goals=[{"id": 1, "weight": 0}, {"id": 2, "weight": 2}])
    figures = compute_plan(inputs, today=D(2024, 7, 1))
    # goal 1 carries no weight, so the plan is goal 2 alone: 0.5
    assert figures.plan.progress == pytest.approx(0.5)


def test_a_plan_with_nothing_measured_has_no_figure():
    inputs = _inputs(metrics=[], initiatives=[], supports=[])
    figures = compute_plan(inputs, today=D(2024, 7, 1))
    assert figures.plan.progress is None and figures.plan.health == ""
    assert all(f.progress is None for f in figures.goals.values())
