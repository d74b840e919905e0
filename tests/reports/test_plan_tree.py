"""The plan tree reader: what it reads, in what order, and in how many queries.

The plan of report_card_fixtures: goal 1 (weight 2) with objectives 1.1 and 1.2, goal 2 with 2.1;
metric "Critical patches in 30 days" (readings 2023-06-30: 60, 2024-06-30: 70) under 1.1 and
"Accounts with MFA" (2025-03-31: 84) under 1.2; SEC-1 supports 1.1, SEC-2 1.2, WEB-1 and WEB-2 2.1.
"""

import datetime
from decimal import Decimal

import pytest

from goals.models import Metric, Objective
from initiatives.models import Initiative
from reports.plan_tree import ALL_PARTS, branch_tree, plan_inputs, plan_tree
from tests.factories import DepartmentPlanFactory, InitiativeFactory
from tests.reports.report_card_fixtures import build_plan, grow_plan, media  # noqa: F401

pytestmark = pytest.mark.django_db
EVERYTHING = {"detail": True, "readings": "all", "history": True, "links": True, "parts": ALL_PARTS}


def test_the_tree_holds_the_plan_in_page_order_with_cached_figures():
    plan = build_plan()
    tree = plan_tree(plan.pk)
    assert [g.number for g in tree.goals] == [1, 2]
    assert [o.code for o in tree.objectives] == ["1.1", "1.2", "2.1"]
    assert [m.name for m in tree.metrics] == ["Critical patches in 30 days", "Accounts with MFA"]
    assert [i.code for i in tree.initiatives] == ["SEC-1", "SEC-2", "WEB-1", "WEB-2"]
    portal = tree.objectives[2]
    assert [i.code for i in tree.supporters[portal.id]] == ["WEB-1", "WEB-2"]
    # The figures are the cached ones: goal 1 = (0.75 × 1 + 0.45 × 1) / 2 = 0.6.
    assert tree.goals[0].progress == pytest.approx(0.6)
    # The latest reading, with the decimal places it is stored with, on every database.
    assert (tree.metrics[0].latest_value, tree.metrics[0].latest_on) == (Decimal("70.0000"), datetime.date(2024, 6, 30))
    assert tree.metrics[0].description == "" and tree.initiatives[0].owner_username is None  # detail not asked for


def test_as_of_leaves_out_later_readings_and_counts_the_rest():
    plan = build_plan()
    tree = plan_tree(plan.pk, as_of=datetime.date(2024, 6, 29), count_readings=True)
    patches, mfa = tree.metrics
    assert (patches.latest_value, patches.reading_count) == (Decimal("60.0000"), 1)
    assert (mfa.latest_value, mfa.latest_on, mfa.reading_count) == (None, None, 0)


def test_supports_count_only_within_the_plan():
    plan = build_plan()
    other = InitiativeFactory(plan=DepartmentPlanFactory(parent=plan), code="DEPT-1")
    other.supports.add(Objective.objects.get(code="2.1"))  # the services refuse this; the method ignores it
    tree = plan_tree(plan.pk)
    assert [i.code for i in tree.supporters[tree.objectives[2].id]] == ["WEB-1", "WEB-2"]


def test_the_inputs_of_the_method_are_the_plans_rows_as_the_method_reads_them():
    plan = build_plan()
    inputs = plan_inputs(plan.pk)
    assert inputs.metric_share == 0.5 and inputs.window.start == datetime.date(2022, 7, 1)
    assert sorted(m["latest_value"] for m in inputs.metrics) == [Decimal("70"), Decimal("84")]
    assert len(inputs.initiatives) == 4 and len(inputs.supports) == 4


def test_a_branch_holds_one_node_and_what_lies_below_it():
    plan = build_plan()
    identity = Objective.objects.get(code="1.2")
    tree = branch_tree("objective", identity.pk)
    assert tree.plan.id == plan.pk and tree.goals == []
    assert [o.code for o in tree.objectives] == ["1.2"]
    assert [m.name for m in tree.metrics] == ["Accounts with MFA"]
    assert [i.code for i in tree.initiatives] == ["SEC-2"]
    goal = branch_tree("goal", identity.goal_id, depth="objectives")
    assert [o.code for o in goal.objectives] == ["1.1", "1.2"] and goal.metrics == [] and goal.initiatives == []
    assert [m.name for m in branch_tree("metric", Metric.objects.get(name="Accounts with MFA").pk).metrics] == [
        "Accounts with MFA"
    ]
    assert [i.code for i in branch_tree("initiative", Initiative.objects.get(code="WEB-2").pk).initiatives] == ["WEB-2"]


@pytest.mark.parametrize(
    ("options", "queries"),
    [
        ({}, 6),  # plan, goals, objectives, metrics with their latest reading, initiatives, supports
        ({"count_readings": True, "detail": True}, 6),
        # + every reading, updates, milestones, two kinds of links, pillars, drivers, themes
        (EVERYTHING, 14),
    ],
)
def test_a_read_costs_the_same_queries_for_a_small_and_a_larger_plan(options, queries, django_assert_num_queries):
    plan = build_plan()
    with django_assert_num_queries(queries):
        small = plan_tree(plan.pk, **options)
    grow_plan(plan, 15)
    with django_assert_num_queries(queries):
        large = plan_tree(plan.pk, **options)
    assert (len(small.goals), len(large.goals)) == (2, 17)
    if options is EVERYTHING:
        assert len(large.pillars) == 15 and sum(len(r) for r in large.readings.values()) == 3 + 60
        assert len(large.initiative_links) == 30 and len(large.updates) == 30


@pytest.mark.parametrize(
    ("kind", "code", "queries"),
    [
        ("objective", "1.1", 5),  # plan, the objective, its metrics, its supporters, the supports links
        ("goal", 1, 3),  # with depth="objectives": plan, the goal, its objectives
        ("initiative", "SEC-1", 2),
    ],
)
def test_a_branch_costs_a_fixed_number_of_queries(kind, code, queries, django_assert_num_queries):
    plan = build_plan()
    grow_plan(plan, 5)
    node = {
        "objective": lambda: Objective.objects.get(code=code),
        "goal": lambda: plan.goals.get(number=code),
        "initiative": lambda: Initiative.objects.get(code=code),
    }[kind]()
    with django_assert_num_queries(queries):
        branch_tree(kind, node.pk, depth="objectives" if kind == "goal" else None)
