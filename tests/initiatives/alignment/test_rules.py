"""The alignment rule: direct and indirect links, cycles, the matrix and the gaps."""

import pytest

from initiatives.alignment.rules import alignment_summary, plan_alignment, plans_alignment, trace_links
from tests.factories import DepartmentFactory, DepartmentPlanFactory, GoalFactory, InitiativeFactory, ObjectiveFactory


def by_code(plan_alignment_) -> dict:
    return {a.item.code: a for a in plan_alignment_.items}


def test_objective_linked_to_an_enterprise_objective_is_directly_aligned(city):
    w11 = by_code(plan_alignment(city.water_plan))["W1.1"]
    assert w11.direct == [city.e11]
    assert w11.indirect == []


def test_objective_linked_through_another_department_objective_is_indirectly_aligned(city):
    w12 = by_code(plan_alignment(city.water_plan))["W1.2"]
    assert w12.direct == []
    assert w12.indirect == [(city.e11, city.w11)]


def test_two_steps_through_own_objectives_still_align_and_name_the_first_step(city):
    # W1.3 → W1.2 → W1.1 → 1.1: the reader is told the link it made (W1.2).
    w13 = by_code(plan_alignment(city.water_plan))["W1.3"]
    assert w13.indirect == [(city.e11, city.w12)]
    assert w13.is_aligned


def test_initiative_aligned_through_a_department_objective(city):
    alignment = by_code(plan_alignment(city.water_plan))
    assert alignment["WS-1"].indirect == [(city.e11, city.w12)]
    assert not alignment["WS-3"].is_aligned


def test_a_cycle_of_department_objectives_aligns_nothing_and_ends(city):
    goal = city.w11.goal
    a = ObjectiveFactory(goal=goal, code="C.1")
    b = ObjectiveFactory(goal=goal, code="C.2")
    a.aligned_to.set([b])
    b.aligned_to.set([a])
    alignment = by_code(plan_alignment(city.water_plan))
    assert not alignment["C.1"].is_aligned
    assert not alignment["C.2"].is_aligned


def test_a_cycle_that_also_reaches_the_enterprise_plan_aligns_both():
    # 10 → 11, 11 → 10 and 11 → 99 (enterprise): both reach 99, 10 through 11.
    direct, indirect = trace_links([11], {10: [11], 11: [10, 99]}, {99})
    assert (direct, indirect) == ([], [(99, 11)])
    assert trace_links([10], {10: [11], 11: [10, 99]}, {99}) == ([], [(99, 10)])


def test_an_objective_reached_directly_and_indirectly_counts_once_as_direct():
    assert trace_links([99, 5], {5: [99]}, {99}) == ([99], [])


def test_a_link_to_another_department_plan_leads_nowhere(city):
    # Stored behind the services' back (they refuse it): Police's objective does not carry Water's.
    stray = ObjectiveFactory(goal=city.w11.goal, code="W9.9")
    stray.aligned_to.set([city.p11])
    assert not by_code(plan_alignment(city.water_plan))["W9.9"].is_aligned


def test_alignment_of_many_plans_takes_the_same_queries_as_of_one(city, django_assert_num_queries):
    with django_assert_num_queries(5):
        plans_alignment([city.water_plan])
    for _ in range(3):
        plan = DepartmentPlanFactory(department=DepartmentFactory(), parent=city.enterprise)
        objective = ObjectiveFactory(goal=GoalFactory(plan=plan))
        objective.aligned_to.set([city.e12])
        InitiativeFactory(plan=plan).aligned_to.set([objective])
    plans = list(city.enterprise.department_plans.all())
    with django_assert_num_queries(5):
        result = plans_alignment(plans)
    assert len(result) == 5


def test_matrix_counts_items_per_department_and_goal_with_mean_progress(city):
    type(city.w11).objects.filter(pk=city.w11.pk).update(progress=0.5)
    type(city.w12).objects.filter(pk=city.w12.pk).update(progress=0.2)
    # W1.3 and WS-1 have no figure yet: left out of the mean, never counted as zero.
    summary = alignment_summary(city.enterprise, [city.water_plan, city.police_plan])
    rows = {row.department.name: row for row in summary.rows}
    assert [g.number for g in summary.goals] == [1, 2]
    water, police = rows["Water Services"], rows["Police"]
    # Water: W1.1, W1.2, W1.3 and WS-1 all reach goal 1 (through 1.1); nothing reaches goal 2.
    assert [cell.count for cell in water.cells] == [4, 0]
    assert water.cells[0].progress == pytest.approx((0.5 + 0.2) / 2)  # = 0.35
    assert water.cells[1].progress is None
    assert [cell.count for cell in police.cells] == [0, 1]
    assert [cell.count for cell in summary.totals] == [4, 1]


def test_enterprise_objectives_no_department_serves_are_listed(city):
    summary = alignment_summary(city.enterprise, [city.water_plan, city.police_plan])
    assert summary.unsupported == [city.e12]


def test_department_items_with_no_link_are_flagged(city):
    summary = alignment_summary(city.enterprise, [city.water_plan, city.police_plan])
    assert [a.item.code for a in summary.unaligned] == ["WS-3"]


def test_matrix_shows_only_the_plans_it_is_given(city):
    # A liaison of Water Services sees Water's plan only: Police's row is not there.
    summary = alignment_summary(city.enterprise, [city.water_plan])
    assert [row.department.name for row in summary.rows] == ["Water Services"]
