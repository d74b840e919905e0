"""Each page issues the same number of queries for a plan of 10 and of 500 initiatives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import DepartmentMembership
from initiatives.models import Initiative, InitiativeStatus, Milestone
from reports.models import ProgressSnapshot
from reports.recalculation import plan_recalculate
from tests.factories import (
    GoalFactory,
    MembershipFactory,
    MetricFactory,
    ObjectiveFactory,
    ReadingFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

STATUSES = [InitiativeStatus.ON_TRACK, InitiativeStatus.AT_RISK, InitiativeStatus.COMPLETED, InitiativeStatus.ON_HOLD]


def grow(plan, objective, owner, department, count: int, today: datetime.date, prefix: str = "X") -> None:
    """Add `count` initiatives of every kind the pages list: stale, due soon, overdue, completed, with
    milestones (some past due)."""
    theme = ThemeFactory(plan=plan)
    rows = []
    for n in range(count):
        status = STATUSES[n % len(STATUSES)]
        rows.append(
            Initiative(
                plan=plan,
                code=f"{prefix}-{n}",
                title=f"Initiative {n}",
                owner=owner,
                department=department,
                theme=theme,
                status=status,
                percent_complete=100 if status == InitiativeStatus.COMPLETED else n % 90,
                start_date=today - datetime.timedelta(days=100 + n % 50),
                # Every fifth past its target date (overdue unless completed).
                target_date=today + datetime.timedelta(days=n % 80 + 1 if n % 5 else -(n % 30 + 1)),
                last_update_on=today - datetime.timedelta(days=n % 70),
                completed_date=today - datetime.timedelta(days=n % 9) if status == InitiativeStatus.COMPLETED else None,
            )
        )
    created = Initiative.objects.bulk_create(rows)
    Initiative.supports.through.objects.bulk_create(
        [Initiative.supports.through(initiative=i, objective=objective) for i in created]
    )
    Initiative.aligned_to.through.objects.bulk_create(
        [Initiative.aligned_to.through(initiative=i, objective=objective) for i in created[::2]]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(initiative=i, title="Go-live", due=today + datetime.timedelta(days=5 if n % 3 else -3))
            for n, i in enumerate(created)
        ]
    )
    plan_recalculate(plan_id=plan.pk, snapshot=True)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def pages(plan, goal, initiative, metric, police_plan, liaison):
    ReadingFactory(metric=metric)
    police_goal = GoalFactory(plan=police_plan, number=1)
    ObjectiveFactory(goal=police_goal, code="P1").aligned_to.add(initiative.supports.first())
    MetricFactory(objective=initiative.supports.first())
    return [
        "/",
        reverse("plan-dashboard", args=[plan.slug]),
        reverse("initiative-list", args=[plan.slug]),
        reverse("initiative-list", args=[plan.slug]) + "?stale=no&term=short&q=Initiative",
        reverse("initiative-list", args=[plan.slug]) + "?overdue=yes",
        reverse("roadmap", args=[plan.slug]),
        reverse("goal-detail", args=[goal.pk]),
        reverse("initiative-detail", args=[initiative.pk]),
        reverse("metric-detail", args=[metric.pk]),
        reverse("my-work"),
        reverse("plan-list"),
        reverse("department-detail", args=["police"]),
        reverse("explain", args=["goal", goal.pk]),
        reverse("plan-dashboard", args=[police_plan.slug]),
    ]


def test_every_page_costs_the_same_queries_for_10_and_500_initiatives(
    client, owner, plan, objective, its, police, police_plan, pages, today, django_assert_max_num_queries
):
    MembershipFactory(department=police, user=owner, role=DepartmentMembership.Role.LIAISON)
    client.force_login(owner)
    grow(plan, objective, owner, its, 10, today)
    grow(police_plan, objective, owner, police, 10, today, prefix="P")
    small = {url: queries(client, url) for url in pages}

    grow(plan, objective, owner, its, 490, today, prefix="Y")
    grow(police_plan, objective, owner, police, 490, today, prefix="Q")
    assert Initiative.objects.filter(plan=plan).count() == 501
    assert ProgressSnapshot.objects.filter(plan=plan, node_type="goal").exists()
    large = {url: queries(client, url) for url in pages}
    assert large == small
    with django_assert_max_num_queries(small["/"]):
        client.get("/")


def test_the_initiative_page_costs_the_same_queries_with_0_and_500_history_rows(client, owner, initiative):
    import copy

    client.force_login(owner)
    url = reverse("initiative-detail", args=[initiative.pk])
    initiative.history.all().delete()
    without_history = queries(client, url)
    # 500 recorded versions, each renamed (written in one go: the page, not the saving, is measured),
    # and links that change now and then, each a record of its own with its rows of links.
    versions = []
    for n in range(490):
        version = copy.copy(initiative)
        version.title = f"Renamed {n}"
        versions.append(version)
    Initiative.history.bulk_history_create(versions, default_change_reason="Renamed")
    for _ in range(10):
        initiative.supports.add(ObjectiveFactory(goal__plan=initiative.plan))
    assert initiative.history.count() >= 500
    assert queries(client, url) == without_history
