"""Priority scores, ranks and sensitivity for a hand-worked example.

Weights: pillar "One IT" 2, pillar "Customer Experience" 1, driver "Secure environment" 1.
The most an initiative can earn is 3 × (2 + 1 + 1) = 12 weighted points.

    initiative  One IT  Customer  Secure   weighted sum               score = sum / 12 × 100
    A-1         3       0         1        2×3 + 1×0 + 1×1 = 7        58.33
    A-2         1       3         2        2×1 + 1×3 + 1×2 = 7        58.33
    A-3         2       1         0        2×2 + 1×1 + 1×0 = 5        41.67
    A-10        2       0         1        2×2 + 1×0 + 1×1 = 5        41.67
    A-4         (no scores)                                            none, unranked

Ties are ordered by code in natural order: A-1 before A-2, A-3 before A-10 (not "A-10" < "A-3").
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.models import AlignmentScore, Initiative
from initiatives.priority.rules import natural_key, plan_ranking, sensitivity
from initiatives.priority.services import alignment_score_set, priority_recompute, priority_weights_update
from tests.factories import DriverFactory, InitiativeFactory, PillarFactory

SCORES = {"A-1": (3, 0, 1), "A-2": (1, 3, 2), "A-3": (2, 1, 0), "A-10": (2, 0, 1)}


@pytest.fixture
def example(city):
    plan = city.enterprise
    criteria = [
        PillarFactory(plan=plan, name="One IT", weight=Decimal("2"), order=1),
        PillarFactory(plan=plan, name="Customer Experience", weight=Decimal("1"), order=2),
        DriverFactory(plan=plan, name="Secure environment", weight=Decimal("1"), order=1),
    ]
    for code, scores in SCORES.items():
        initiative = InitiativeFactory(plan=plan, code=code)
        for criterion, score in zip(criteria, scores):
            field = "pillar" if criterion._meta.model_name == "pillar" else "driver"
            AlignmentScore.objects.create(initiative=initiative, score=score, **{field: criterion})
    InitiativeFactory(plan=plan, code="A-4")
    return plan, criteria


def test_scores_and_ranks_of_the_worked_example(example):
    plan, _ = example
    ranking = plan_ranking(plan)
    assert [(r.initiative.code, r.score_shown, r.rank) for r in ranking.rows] == [
        ("A-1", 58.33, 1), ("A-2", 58.33, 2), ("A-3", 41.67, 3), ("A-10", 41.67, 4), ("A-4", None, None),
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
        ("One IT", "+10%"): [], ("One IT", "−10%"): swap_12,
        ("Customer Experience", "+10%"): swap_12, ("Customer Experience", "−10%"): swap_3_10,
        ("Secure environment", "+10%"): sorted(swap_12 + swap_3_10), ("Secure environment", "−10%"): [],
    }


def test_recompute_stores_scores_and_ranks_in_fixed_queries(example, django_assert_num_queries):
    plan, _ = example
    # criteria (2), initiatives (1), scores (1), bulk update (1)
    with django_assert_num_queries(5):
        assert priority_recompute(plan=plan) == 4
    stored = dict(Initiative.objects.filter(plan=plan).values_list("code", "priority_rank"))
    assert stored == {"A-1": 1, "A-2": 2, "A-3": 3, "A-10": 4, "A-4": None}
    assert priority_recompute(plan=plan) == 0  # nothing changed the second time


def test_plan_editor_changes_a_weight_and_the_stored_ranks_follow(example, city):
    plan, (one_it, customer, secure) = example
    priority_weights_update(plan=plan, actor=city.editor, weights={f"pillar-{customer.pk}": "1.1"},
                            versions={f"pillar-{customer.pk}": customer.version})
    # Customer at 1.1: A-2 7.3 > A-1 7 (see the sensitivity test).
    stored = dict(Initiative.objects.filter(plan=plan).values_list("code", "priority_rank"))
    assert (stored["A-2"], stored["A-1"]) == (1, 2)
    customer.refresh_from_db()
    assert customer.weight == Decimal("1.10")
    assert customer.history.first().history_change_reason == "Weight changed on the priority page"


def test_bad_weights_are_refused_by_key_and_nothing_is_stored(example, city):
    plan, (one_it, customer, _) = example
    with pytest.raises(ValidationError) as error:
        priority_weights_update(plan=plan, actor=city.editor,
                                weights={f"pillar-{one_it.pk}": "-1", f"pillar-{customer.pk}": "lots"}, versions={})
    assert set(error.value.message_dict) == {f"pillar-{one_it.pk}", f"pillar-{customer.pk}"}
    assert "zero or more" in error.value.message_dict[f"pillar-{one_it.pk}"][0]
    one_it.refresh_from_db()
    assert one_it.weight == Decimal("2")


def test_liaison_may_not_change_enterprise_weights(example, city):
    plan, (one_it, _, _) = example
    with pytest.raises(PermissionDenied):
        priority_weights_update(plan=plan, actor=city.water_liaison, weights={f"pillar-{one_it.pk}": "5"}, versions={})


def test_setting_a_score_reranks_the_plan(example, city):
    plan, (one_it, _, _) = example
    a10 = Initiative.objects.get(plan=plan, code="A-10")
    # A-10 One IT 2 → 3: 2×3 + 0 + 1 = 7, ties and ranks after them by code.
    alignment_score_set(initiative=a10, actor=city.editor, criterion=one_it, score=3)
    stored = dict(Initiative.objects.filter(plan=plan).values_list("code", "priority_rank"))
    assert (stored["A-10"], stored["A-3"]) == (3, 4)
    with pytest.raises(ValidationError) as error:
        alignment_score_set(initiative=a10, actor=city.editor, criterion=one_it, score=4)
    assert "score" in error.value.message_dict


def test_all_weights_zero_leaves_everyone_unscored(example):
    plan, criteria = example
    for criterion in criteria:
        type(criterion).objects.filter(pk=criterion.pk).update(weight=0)
    assert {r.rank for r in plan_ranking(plan).rows} == {None}
