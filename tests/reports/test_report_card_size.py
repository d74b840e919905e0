"""A report card's length is bounded: a plan ten times larger gets a card of about the same size,
every list capped, every "and N more" exact, at the same number of queries.

The plan of `city(n)`, computed on 2025-09-15 (FY2025 ended on 2025-06-30), has 32 goals; goal 1
has 14 objectives ("1.01" .. "1.14"), the others two each: 14 + 31 × 2 = 76 objectives. Of its n
metrics and n initiatives, the first n / 2 belong to objective 1.01 and the others go round the
other 75 objectives in turn (for n = 500, 250 over 75: 1.02 .. 1.14 get 4 each).

Goal 1 is far behind: its metrics read 0 (attainment 0) and its initiatives are 0% complete;
everywhere else metrics read 50 (0.5) and initiatives are 50% complete. Every initiative runs
2024-07-01 → 2026-06-30 (pace 441 / 729 = 0.605 on 2025-09-15): 0% is off track, 50% at risk
(≥ 0.605 − 0.25), so all n need attention; each was last updated on 2025-01-02, more than 30
days before: all n are stale. Goals 2..32 tie on their figures, so goal order decides which of
them are shown: goals 1..30 at a glance, 1..8 with a section. The n / 15 department plans and
n / 40 IT requests approved with a CIO exception test the alignment section's caps.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from goals.models import Metric, MetricReading, Plan
from initiatives.models import Initiative, InitiativeStatus, ITRequest
from reports.recalculation import plan_recalculate
from reports.report_card import report_card_data, report_card_html, report_card_pdf
from reports.report_card.digest import caps
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    GoalFactory,
    InitiativeFactory,
    ITRequestFactory,
    MetricFactory,
    ObjectiveFactory,
    PlanFactory,
    ReadingFactory,
    UserFactory,
)
from tests.reports.report_card_fixtures import TODAY, media, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db
GOALS, GOAL_ONE_OBJECTIVES = 32, 14
# What the card lists: rows of tables, metric rows and charts, objective lines, initiative items,
# and the appendix's inputs of each objective's M and I ("M0001: 0.000", "I-0001: 0.500").
LISTED = re.compile(
    r'<tr><th scope="row">|<p class="metric-row">|<figure class="trend|<p class="objective-line">'
    r'|<li><span class="code">|(?:M\d{4}|I-\d{4}): '
)


def city(n: int):
    plan = PlanFactory(title=f"City of {n}", slug=f"city-{n}", start_fiscal_year=2023, end_fiscal_year=2027)
    objectives = []
    for number in range(1, GOALS + 1):
        goal = GoalFactory(plan=plan, number=number, title=f"Goal number {number}")
        count = GOAL_ONE_OBJECTIVES if number == 1 else 2
        objectives += [ObjectiveFactory(goal=goal, code=f"{number}.{k:02}", term="long") for k in range(1, count + 1)]
    first, others = objectives[0], objectives[1:]
    owners = [first if i < n // 2 else others[(i - n // 2) % len(others)] for i in range(n)]
    behind = lambda objective: objective.goal.number == 1  # noqa: E731
    metrics = Metric.objects.bulk_create(
        MetricFactory.build(
            objective=objective,
            name=f"M{i:04}",
            baseline=Decimal("0"),
            target=Decimal("100"),
            baseline_date=datetime.date(2022, 6, 30),
            target_date=datetime.date(2027, 6, 30),
        )
        for i, objective in enumerate(owners)
    )
    MetricReading.objects.bulk_create(
        ReadingFactory.build(
            metric=metric, period_end=datetime.date(2025, 3, 31), value=Decimal(0 if behind(objective) else 50)
        )
        for metric, objective in zip(metrics, owners, strict=True)
    )
    initiatives = Initiative.objects.bulk_create(
        InitiativeFactory.build(
            plan=plan,
            code=f"I-{i:04}",
            status=InitiativeStatus.ON_TRACK,
            percent_complete=0 if behind(objective) else 50,
            start_date=datetime.date(2024, 7, 1),
            target_date=datetime.date(2026, 6, 30),
            last_update_on=datetime.date(2025, 1, 2),
        )
        for i, objective in enumerate(owners)
    )
    Initiative.supports.through.objects.bulk_create(
        Initiative.supports.through(initiative=initiative, objective=objective)
        for initiative, objective in zip(initiatives, owners, strict=True)
    )
    for _ in range(n // 15):
        DepartmentPlanFactory(parent=plan, start_fiscal_year=2023, end_fiscal_year=2027)
    cio = UserFactory()
    for i in range(n // 40):
        ITRequestFactory(
            plan=plan,
            department=DepartmentFactory(),
            fiscal_year=2025,
            state=ITRequest.State.APPROVED,
            exception_by=cio,
            exception_reason=f"Emergency {i}",
        )
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    return plan


def card(plan) -> tuple[dict, str]:
    data = report_card_data(plan, 2025, today=TODAY)
    return data, report_card_html(data)


def test_a_plan_ten_times_larger_gets_a_card_of_the_same_size_for_the_same_queries(django_assert_num_queries):
    small_plan, large_plan = city(50), city(500)
    # The 15 of tests/reports/test_query_counts.py, and as these plans have department plans, the
    # alignment rule's reads of their objectives, initiatives and the links of both (4) = 19.
    for plan in (small_plan, large_plan):
        with django_assert_num_queries(19):
            report_card_data(plan, 2025, today=TODAY)
    _, small_html = card(small_plan)
    _, large_html = card(large_plan)
    small_rows, large_rows = len(LISTED.findall(small_html)), len(LISTED.findall(large_html))
    # Ten times the metrics and initiatives; less than twice the rows and the bytes: the large
    # plan's sections are at their caps, the small plan's not yet full (50 metrics and
    # initiatives: 269 rows and 122 kB; 500: 482 rows and 197 kB). Listing every metric and
    # initiative, as cards did before the caps, makes it 8 times (216 and 1,713 rows).
    assert small_rows < large_rows < 2 * small_rows, (small_rows, large_rows)
    assert len(large_html) < 2 * len(small_html), (len(small_html), len(large_html))


def test_every_list_of_a_large_plan_is_capped_beside_its_exact_count_and_prints():
    plan = city(500)
    data, html = card(plan)
    overall, cap = data["overall"], caps()
    assert (overall["goals"], overall["objectives"], overall["metrics"], overall["initiatives"]) == (32, 76, 500, 500)
    # Goals: 30 of 32 at a glance (numbers 1..30: goal 1 is furthest behind, the rest tie), 8 sections.
    assert [g["number"] for g in data["goals"]] == list(range(1, 31))
    assert [g["number"] for g in data["goals"] if g["section"]] == list(range(1, 9))
    assert "… and 2 more goals, none further behind pace than these." in html
    assert "each of the other 24 has its page in Planboard" in html
    # Goal 1: 14 objectives, all at 0 so tied: 1.01..1.03 drawn, 1.04..1.11 one line each, 3 more.
    goal = data["goals"][0]
    assert [(o["code"], o["detail"]) for o in goal["objectives"]] == [(f"1.{k:02}", k <= 3) for k in range(1, 12)]
    assert "… and 3 more objectives, none further behind pace than these." in html
    # Objective 1.01: 250 metrics, 2 charted + 8 listed frozen; 250 initiatives, more than 60: not written out.
    first = goal["objectives"][0]
    assert (first["metric_count"], len(first["metrics"]), first["initiative_count"]) == (250, 10, 250)
    assert first["initiatives"] == [] and first["counted_count"] == 250
    assert "… and 240 more metrics; each one's attainment is on" in html
    assert "from 250 supporting initiatives, 250 counted (each at" in html
    # Goal 1's lists: the 250 of 1.01 + 4 for each of 1.02..1.14 (13 × 4 = 52) = 302 members.
    members = 250 + 4 * (GOAL_ONE_OBJECTIVES - 1)
    assert (goal["initiative_count"], goal["needs_attention_count"], goal["stale_count"]) == (members,) * 3
    assert len(goal["needs_attention"]) == len(goal["stale"]) == cap["initiatives_per_list"]
    assert f"… and {members - 10} more ({members} in all)" in html
    # Plan-wide: 30 of 500 metrics, 60 of 500 initiatives needing attention.
    assert len(data["metrics_behind"]) == 30 and "… and 470 more metrics." in html
    # Goal 1's 302 metrics at 0 tie at 0.642 behind: by name, M0000..M0029, all of 1.01.
    assert [m["name"] for m in data["metrics_behind"]] == [f"M{i:04}" for i in range(30)]
    assert len(data["initiatives_behind"]) == 60 and "… and 440 more (500 in all)" in html
    # Alignment: 500 / 15 = 33 department plans, 30 listed; 500 / 40 = 12 CIO exceptions, 10 listed.
    alignment = data["alignment"]
    assert (alignment["department_plan_count"], len(alignment["department_plans"])) == (33, 30)
    assert "… and 3 more department plans." in html
    assert (alignment["it_requests"]["exception_count"], len(alignment["it_requests"]["exceptions"])) == (12, 10)
    assert "… and 2 more (12 in all, the first 10 by department and title shown)" in html
    # The PDF says how many it shows, and where the full lists are.
    text = pdf_text(report_card_pdf(html))
    assert "The 30 of the plan's 500 metrics furthest behind pace" in text
    assert f"http://127.0.0.1:8000/api/v1/plans/{plan.pk}/export/" in text
    assert "http://127.0.0.1:8000/transfer/plans/city-500/plan.xlsx" in text.replace(" ", "")
    assert "Page 2 of" in text


def test_the_demo_plans_cards_leave_nothing_out():
    call_command("load_demo", quiet=True)
    for slug in ("phoenix-2022-2026", "aurora-fy2018-2019"):
        plan = Plan.objects.get(slug=slug)
        # Every year of the plan, each prepared after the plan's end (so each has begun).
        for year in range(plan.start_fiscal_year, plan.end_fiscal_year + 1):
            data = report_card_data(plan, year, today=datetime.date(plan.end_fiscal_year + 1, 12, 31))
            assert_complete(data, plan)
        # The last year's PDF names every goal, objective and metric.
        text = pdf_text(report_card_pdf(report_card_html(data)))
        objectives = [o for g in data["goals"] for o in g["objectives"]]
        names = [f"Goal {g['number']}: {g['title']}" for g in data["goals"]]
        names += [f"{o['code']} {o['title']}" for o in objectives] + [
            m["name"] for o in objectives for m in o["metrics"]
        ]
        assert [name for name in names if name not in text] == []


def assert_complete(data: dict, plan) -> None:
    """Every goal at a glance and with a section, every objective drawn in detail, every metric
    charted or listed, every supporting initiative written out, the plan-wide lists complete."""
    overall, goals = data["overall"], data["goals"]
    assert len(goals) == overall["goals"] == plan.goals.count() and all(g["section"] for g in goals)
    objectives = [o for g in goals for o in g["objectives"]]
    assert len(objectives) == overall["objectives"] and all(o["detail"] for o in objectives)
    assert all(len(o["metrics"]) == o["metric_count"] for o in objectives)
    assert all(len(o["initiatives"]) == o["initiative_count"] for o in objectives)
    assert len(data["metrics_behind"]) == overall["metrics"]
    assert len(data["initiatives_behind"]) == overall["needs_attention"]
    alignment = data["alignment"]
    assert len(alignment["department_plans"]) == alignment["department_plan_count"]
    assert len(alignment["it_requests"]["exceptions"]) == alignment["it_requests"]["exception_count"]
