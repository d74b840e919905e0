"""Priority scores, ranks and sensitivity for the hand-worked example of conftest.py."""

from initiatives.priority.rules import natural_key, plan_ranking, sensitivity


def test_scores_and_ranks_of_the_worked_example(example):
    plan, _ = example
    ranking = plan_ranking(plan)
    assert [(r.initiative.code, r.score_shown, r.rank) for r in ranking.rows] == [
        ("A-1", 58.33, 1),
        ("A-2", 58.33, 2),
        ("A-3", 41.67, 3),
        ("A-10", 41.67, 4),
        ("A-4", None, None),
    ]


def test_equal_weighted_sums_tie_exactly_whatever_the_rounding(example):
    rows = {r.initiative.code: r for r in plan_ranking(example[0]).rows}
    assert rows["A-1"].score == rows["A-2"].score  # both exactly 700/12


def test_codes_sort_in_natural_order():
    assert sorted(["A-10", "A-3", "A-2"], key=natural_key) == ["A-2", "A-3", "A-10"]


def test_sensitivity_of_the_worked_example(example):
    # One IT +10% (2.2): A-1 6.6+1 = 7.6 > A-2 2.2+3+2 = 7.2; A-3 = A-10 = 5.4 → no change.
    # One IT −10% (1.8): A-1 5.4+1 = 6.4 < A-2 1.8+3+2 = 6.8 → swap.
    # Customer +10% (1.1): A-1 7 < A-2 2+3.3+2 = 7.3 → swap; A-3 5.1 > A-10 5 → no change.
    # Customer −10% (0.9): A-1 7 > A-2 6.7; A-3 4.9 < A-10 5 → swap.
    # Secure +10% (1.1): A-1 7.1 < A-2 7.2 → swap; A-3 5 < A-10 5.1 → swap.
    # Secure −10% (0.9): A-1 6.9 > A-2 6.8; A-3 5 > A-10 4.9 → no change.
    shifts = sensitivity(plan_ranking(example[0]))
    found = {
        (s.criterion.name, s.direction): sorted((c.initiative.code, c.before, c.after) for c in s.changes)
        for s in shifts
    }
    swap_12 = [("A-1", 1, 2), ("A-2", 2, 1)]
    swap_3_10 = [("A-10", 4, 3), ("A-3", 3, 4)]
    assert found == {
        ("One IT", "+10%"): [],
        ("One IT", "−10%"): swap_12,
        ("Customer Experience", "+10%"): swap_12,
        ("Customer Experience", "−10%"): swap_3_10,
        ("Secure environment", "+10%"): sorted(swap_12 + swap_3_10),
        ("Secure environment", "−10%"): [],
    }


def test_all_weights_zero_leaves_everyone_unscored(example):
    plan, criteria = example
    for criterion in criteria:
        type(criterion).objects.filter(pk=criterion.pk).update(weight=0)
    assert {r.rank for r in plan_ranking(plan).rows} == {None}
