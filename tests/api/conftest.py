"""Fixtures for the API tests: token-authenticated clients per role, and a small city with two departments."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from goals.models import DepartmentMembership, Plan
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
)


@pytest.fixture(autouse=True)
def generous_throttles(settings):
    """Throttling is tested on its own; elsewhere a test must never be slowed or refused by it."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """`api(user)`: a client that authenticates as `user` with an API token; `api(None)` is anonymous."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


class City:
    """An enterprise plan and two department IT plans (A and B), each with a goal, objective,
    metric and initiative; a liaison of A and a member of B."""

    def __init__(self):
        self.enterprise = PlanFactory(title="Enterprise plan")
        self.dept_a = DepartmentFactory(name="Water Services", slug="water")
        self.dept_b = DepartmentFactory(name="Police", slug="police")
        self.plan_a = DepartmentPlanFactory(department=self.dept_a, parent=self.enterprise, title="Water IT plan")
        self.plan_b = DepartmentPlanFactory(department=self.dept_b, parent=self.enterprise, title="Police IT plan")
        self.goal = GoalFactory(plan=self.enterprise, number=1)
        self.objective = ObjectiveFactory(goal=self.goal, code="1.1")
        self.metric = MetricFactory(objective=self.objective)
        self.initiative = InitiativeFactory(plan=self.enterprise, code="ENT-1")
        self.goal_a = GoalFactory(plan=self.plan_a, number=1)
        self.objective_a = ObjectiveFactory(goal=self.goal_a, code="A.1")
        self.metric_a = MetricFactory(objective=self.objective_a)
        self.initiative_a = InitiativeFactory(plan=self.plan_a, code="WAT-1", department=self.dept_a)
        self.goal_b = GoalFactory(plan=self.plan_b, number=1)
        self.objective_b = ObjectiveFactory(goal=self.goal_b, code="B.1")
        self.metric_b = MetricFactory(objective=self.objective_b)
        self.initiative_b = InitiativeFactory(plan=self.plan_b, code="POL-1", department=self.dept_b)
        self.liaison_a = UserFactory(username="liaison_a")
        MembershipFactory(user=self.liaison_a, department=self.dept_a, role=DepartmentMembership.Role.LIAISON)
        self.member_b = UserFactory(username="member_b")
        MembershipFactory(user=self.member_b, department=self.dept_b)


@pytest.fixture
def city(db) -> City:
    assert Plan.objects.count() == 0
    return City()
