"""Storing the priority figures and changing weights and scores, on the hand-worked example of conftest.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.models import Initiative
from initiatives.priority.services import alignment_score_set, priority_recompute, priority_weights_update


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
    priority_weights_update(
        plan=plan,
        actor=city.editor,
        weights={f"pillar-{customer.pk}": "1.1"},
        versions={f"pillar-{customer.pk}": customer.version},
    )
    # Customer at 1.1: A-2 7.3 > A-1 7 (see the sensitivity test in test_rules.py).
    stored = dict(Initiative.objects.filter(plan=plan).values_list("code", "priority_rank"))
    assert (stored["A-2"], stored["A-1"]) == (1, 2)
    customer.refresh_from_db()
    assert customer.weight == Decimal("1.10")
    assert customer.history.first().history_change_reason == "Weight changed on the priority page"


def test_bad_weights_are_refused_by_key_and_nothing_is_stored(example, city):
    plan, (one_it, customer, _) = example
    with pytest.raises(ValidationError) as error:
        priority_weights_update(
            plan=plan,
            actor=city.editor,
            weights={f"pillar-{one_it.pk}": "-1", f"pillar-{customer.pk}": "lots"},
            versions={},
        )
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
