"""Every reader of the plan tree costs the same queries for the small plan of report_card_fixtures
and for that plan grown by 15 goals, 30 objectives, metrics and initiatives, 60 readings, 30
updates, milestones and links (grow_plan).
"""

import pytest

from planboard.transfer.exports import plan_sheets
from reports.explain import progress_explain
from reports.plan_export import plan_export_chunks
from reports.recalculation import load_inputs
from reports.report_card import report_card_data
from tests.reports.report_card_fixtures import TODAY, build_plan, grow_plan, media  # noqa: F401

pytestmark = pytest.mark.django_db


def assert_same_queries(plan, read, expected: int, django_assert_num_queries) -> None:
    read(plan)  # once first, so that what is cached per user (their roles) is left out of the count
    with django_assert_num_queries(expected):
        read(plan)
    grow_plan(plan, 15)
    with django_assert_num_queries(expected):
        read(plan)


def test_the_recalculation_reads_its_inputs_in_six_queries(django_assert_num_queries):
    # plan, goals, objectives, metrics with their latest reading, initiatives, supports
    assert_same_queries(build_plan(), lambda plan: load_inputs(plan.pk), 6, django_assert_num_queries)


def test_the_report_card_data_costs_fifteen_queries(django_assert_num_queries):
    # The tree without details or readings (plan, goals, objectives, metrics, initiatives,
    # supports: 6) + the year-end snapshot (FY2025 has ended) + what is printed of the few shown
    # (reports.report_card.sections): the descriptions of the goals with a section, the latest
    # reading of each metric drawn, the owners and departments of the initiatives listed, the
    # charted metrics' readings (4) + the department plans aligned to it (1: none here, so the
    # alignment rule, initiatives.alignment.rules.plans_alignment, has nothing to read) + IT
    # requests of the year counted by state, and the first of those with a CIO exception (2) + the
    # initiatives overdue at the year's end, with the status each had reported by then (1) = 15.
    # Grown by 15 goals, the plan has more goals than the card gives sections (8): the same 15.
    read = lambda plan: report_card_data(plan, 2025, today=TODAY)  # noqa: E731
    assert_same_queries(build_plan(), read, 15, django_assert_num_queries)


def test_the_plan_export_costs_fourteen_queries(django_assert_num_queries):
    # Streamed (the view checks who may read the plan before): the plan, pillars, drivers, themes
    # (4) + goals, objectives, their links, metrics, readings (5) + initiatives, supports, their
    # links, updates, milestones (5) = 14.
    read = lambda plan: b"".join(plan_export_chunks(plan.pk))  # noqa: E731
    assert_same_queries(build_plan(), read, 14, django_assert_num_queries)


def test_the_spreadsheet_export_costs_nine_queries(django_assert_num_queries):
    # The tree without readings (6) + links of objectives and of initiatives + themes = 9.
    assert_same_queries(build_plan(), plan_sheets, 9, django_assert_num_queries)


def test_an_explanation_costs_a_fixed_number_of_queries(django_assert_num_queries):
    plan = build_plan()
    goal = plan.goals.get(number=1)
    objective = goal.objectives.get(code="1.1")
    grow_plan(plan, 15)
    # plan + goals; plan + goal + objectives; plan + objective + metrics + initiatives + supports
    for node, queries in [(plan, 2), (goal, 3), (objective, 5)]:
        with django_assert_num_queries(queries):
            progress_explain(node)
