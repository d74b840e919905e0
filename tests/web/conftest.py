"""A small enterprise plan and the people who use it, for the page tests.

One goal (weight 1) → one objective (short term) → one initiative owned by `owner`, with no
metrics, so the plan's progress is simply that initiative's percent complete / 100.
"""

import datetime

import pytest
from django.utils import timezone

from goals.models import DepartmentMembership, Plan
from initiatives.models import InitiativeStatus
from planboard.core.permissions import Role
from reports.recalculation import plan_recalculate
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    GoalFactory,
    InitiativeFactory,
    MembershipFactory,
    MetricFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def its(db):
    return DepartmentFactory(name="Information Technology Services", slug="its")


@pytest.fixture
def owner(its):
    user = UserFactory(username="owner", first_name="Priya", last_name="Raman")
    MembershipFactory(department=DepartmentFactory(name="Library", slug="library"), user=user)
    return user


@pytest.fixture
def plan(db, today):
    return PlanFactory(
        title="Strategic Technology Plan",
        slug="stp",
        is_published=False,
        start_fiscal_year=today.year - 1,
        end_fiscal_year=today.year + 3,
    )


@pytest.fixture
def goal(plan):
    return GoalFactory(plan=plan, number=1, title="Cybersecurity and Resilience")


@pytest.fixture
def objective(goal):
    return ObjectiveFactory(goal=goal, code="1.1", title="Protect every account")


@pytest.fixture
def initiative(plan, objective, owner, its, today):
    initiative = InitiativeFactory(
        plan=plan,
        code="PHX-103",
        title="Multi-factor authentication",
        owner=owner,
        department=its,
        status=InitiativeStatus.ON_TRACK,
        percent_complete=20,
        start_date=today - datetime.timedelta(days=200),
        target_date=today + datetime.timedelta(days=200),
        last_update_on=today - datetime.timedelta(days=3),
    )
    initiative.supports.add(objective)
    plan_recalculate(plan_id=plan.pk)
    initiative.refresh_from_db()
    return initiative


@pytest.fixture
def metric(objective, owner):
    return MetricFactory(objective=objective, name="Accounts with MFA", owner=owner)


@pytest.fixture
def viewer_user(db):
    return user_with_role(Role.VIEWER, username="viewer")


@pytest.fixture
def police(db):
    return DepartmentFactory(name="Police", slug="police")


@pytest.fixture
def liaison(police):
    user = UserFactory(username="liaison")
    MembershipFactory(department=police, user=user, role=DepartmentMembership.Role.LIAISON)
    return user


@pytest.fixture
def police_plan(police, plan):
    return DepartmentPlanFactory(
        title="Police IT Plan",
        slug="police-it",
        department=police,
        parent=plan,
        start_fiscal_year=plan.start_fiscal_year,
        end_fiscal_year=plan.end_fiscal_year,
        scope=Plan.Scope.DEPARTMENT,
    )
