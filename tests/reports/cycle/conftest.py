"""An owner with five items owed for the current period: three initiatives and two metrics of one
plan that runs from last fiscal year to three years ahead (quarterly reporting, the default). Each
item reported for the period before, so each owes the current one (due, not late)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from initiatives.models import InitiativeStatus
from reports.recalculation import plan_recalculate
from tests.factories import (
    DepartmentFactory,
    GoalFactory,
    InitiativeFactory,
    MetricFactory,
    ObjectiveFactory,
    PlanFactory,
    ReadingFactory,
    StatusUpdateFactory,
    UserFactory,
)

PASSWORD = "planboard-demo"


def owed_plan(*, initiatives: int = 3, metrics: int = 2, owner=None, slug: str = "stp", periods_ago: int = 1):
    """A plan whose `owner` owes an update on each initiative and a reading on each metric now:
    each last reported `periods_ago` periods before the current one (2: the previous one is late)."""
    today = timezone.localdate()
    owner = owner or UserFactory(username="owner", first_name="Ana", last_name="Diaz", password=PASSWORD)
    plan = PlanFactory(
        slug=slug, title="Strategic Technology Plan", start_fiscal_year=today.year - 1, end_fiscal_year=today.year + 3
    )
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=1, title="Cybersecurity"), code="1.1")
    its = DepartmentFactory(name=f"Information Technology {slug}", slug=f"its-{slug}")
    start = today - datetime.timedelta(days=200)
    previous = plan.reporting_period_owed(today)
    for _ in range(periods_ago):
        previous = plan.reporting_calendar.before(previous)
    for number in range(1, initiatives + 1):
        initiative = InitiativeFactory(
            plan=plan,
            code=f"I-{number:03d}",
            title=f"Initiative number {number}",
            owner=owner,
            department=its,
            status=InitiativeStatus.ON_TRACK,
            percent_complete=20,
            last_update_on=start,
            start_date=start,
            target_date=today + datetime.timedelta(days=300),
        )
        initiative.supports.add(objective)
        StatusUpdateFactory(
            initiative=initiative,
            author=owner,
            as_of=start,
            status="on_track",
            percent_complete=20,
            narrative=f"Kick-off of initiative {number}.",
            period_ends_on=previous.ends_on,
        )
    for number in range(1, metrics + 1):
        metric = MetricFactory(
            objective=objective,
            name=f"Metric number {number}",
            unit="%",
            owner=owner,
            frequency="quarterly",
            baseline=Decimal("10"),
            baseline_date=start,
            target=Decimal("90"),
            target_date=today + datetime.timedelta(days=700),
        )
        ReadingFactory(metric=metric, period_end=previous.ends_on, value=Decimal("12"), note="First reading.")
    plan_recalculate(plan_id=plan.pk)
    return plan, owner


@pytest.fixture
def five_owed(db):
    return owed_plan()
