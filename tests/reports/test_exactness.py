"""Exact bands and half-up rounding where a person reads them: the dashboard, the API, the report card.

Two small plans computed on 2025-03-22 (FY2025 of a July-start plan, the year in progress):

- `boundary_plan`: four initiatives, each 100 days long. Two began 80 days before today (pace
  80 / 100 = 0.80, on-track line 0.80 − 0.10 = 0.70): 70% is on track (on the line), 69% at risk.
  Two began 55 days before (pace 0.55, at-risk line 0.55 − 0.25 = 0.30): 30% is at risk (on the
  line), 29% off track. Floating point made the two on-the-line items a band worse.
- `rounding_plan`: goal 1's only metric reads 62.5 on a 0 → 100 scale (attainment 0.625: 62.5%,
  shown 63% half up, where round() gives 62%), goal 2's reads 48.45 (0.4845: 48.45%, one decimal
  48.5% half up, where "%.1f" gives 48.4% because the float is 0.48449999…).
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import Goal
from reports.recalculation import plan_recalculate
from reports.report_card import report_card_data, report_card_html, report_card_pdf
from tests.factories import GoalFactory, InitiativeFactory, MetricFactory, ObjectiveFactory, PlanFactory, ReadingFactory
from tests.reports.report_card_fixtures import media, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 22)
D = datetime.date


def boundary_plan():
    plan = PlanFactory(slug="boundaries", start_fiscal_year=2023, end_fiscal_year=2027)
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=1), code="1.1")
    # 2025-01-01 + 100 days = 2025-04-11; today is day 80.  2025-01-26 + 100 days = 2025-05-06; day 55.
    windows = {"ON-70": (D(2025, 1, 1), 70), "AR-69": (D(2025, 1, 1), 69), "AR-30": (D(2025, 1, 26), 30)}
    windows["OFF-29"] = (D(2025, 1, 26), 29)
    for code, (start, percent) in windows.items():
        item = InitiativeFactory(
            plan=plan,
            code=code,
            status="on_track",
            percent_complete=percent,
            start_date=start,
            target_date=start + datetime.timedelta(days=100),
            last_update_on=TODAY,
        )
        item.supports.add(objective)
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    return plan


def test_stored_health_follows_the_exact_rule():
    plan = boundary_plan()
    health = dict(plan.initiatives.values_list("code", "health"))
    assert health == {"ON-70": "on_track", "AR-69": "at_risk", "AR-30": "at_risk", "OFF-29": "off_track"}


def test_dashboard_health_counts_follow_the_exact_rule(client, admin_user):
    plan = boundary_plan()
    client.force_login(admin_user)
    response = client.get(reverse("plan-dashboard", args=[plan.slug]))
    counts = {row["health"]: row["count"] for row in response.context["health_counts"]}
    # 70% on the line is on track; 69% and 30% (on its line) at risk; 29% off track.
    assert (counts["on_track"], counts["at_risk"], counts["off_track"]) == (1, 2, 1)


def test_report_card_needs_attention_follows_the_exact_rule():
    data = report_card_data(boundary_plan(), 2025, today=TODAY)
    # at risk or off track: AR-69, AR-30, OFF-29 = 3 (ON-70 is on its line, on track)
    assert data["overall"]["needs_attention"] == 3
    codes = {item["code"] for item in data["goals"][0]["needs_attention"]}
    assert codes == {"AR-69", "AR-30", "OFF-29"}


def rounding_plan():
    plan = PlanFactory(slug="rounding", start_fiscal_year=2023, end_fiscal_year=2027)
    for number, latest in ((1, "62.5"), (2, "48.45")):
        objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=number), code=f"{number}.1")
        metric = MetricFactory(
            objective=objective,
            baseline=Decimal("0"),
            target=Decimal("100"),
            baseline_date=D(2022, 6, 30),
            target_date=D(2027, 6, 30),
        )
        ReadingFactory(metric=metric, period_end=D(2024, 12, 31), value=Decimal(latest))
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    return plan


def test_a_page_shows_half_a_percent_rounded_up(client, admin_user):
    plan = rounding_plan()
    goal = Goal.objects.get(plan=plan, number=1)
    assert goal.progress == 0.625  # (62.5 − 0) / (100 − 0)
    client.force_login(admin_user)
    page = client.get(reverse("goal-detail", args=[goal.pk])).content.decode()
    assert ">63%<" in page and ">62%<" not in page


def test_the_api_display_fields_round_half_up(client, admin_user):
    plan = rounding_plan()
    goal = Goal.objects.get(plan=plan, number=1)
    client.force_login(admin_user)
    body = client.get(f"/api/v1/goals/{goal.pk}/").json()
    assert body["progress"] == 0.625
    assert body["progress_shown"] == "63%"  # 62.5% half up
    other = client.get(f"/api/v1/goals/{Goal.objects.get(plan=plan, number=2).pk}/").json()
    assert other["progress_shown"] == "48%"  # 48.45% → 48%


def test_the_report_card_pdf_prints_one_decimal_rounded_half_up():
    data = report_card_data(rounding_plan(), 2025, today=TODAY)
    text = pdf_text(report_card_pdf(report_card_html(data)))
    # goal 1: 62.5% exactly; goal 2: 48.45% → 48.5%, not 48.4%
    assert "Goal 1:" in text and "Progress 62.5%" in text
    assert "Progress 48.5%" in text and "48.4%" not in text
