import datetime

import pytest

from planboard.core.permissions import Role
from tests.factories import InitiativeFactory, MetricFactory, PlanFactory, UserFactory, user_with_role


@pytest.fixture
def cio(db):
    return user_with_role(Role.ADMIN, username="transfer-cio")


@pytest.fixture
def plan(db):
    return PlanFactory(slug="stp")


@pytest.fixture
def owner(db):
    return UserFactory(username="owner-ann")


@pytest.fixture
def initiatives(plan, owner):
    """Five initiatives of the plan, PD-1 .. PD-5, all owned by `owner`."""
    return [
        InitiativeFactory(plan=plan, code=f"PD-{n}", owner=owner, start_date=datetime.date(2022, 7, 1))
        for n in range(1, 6)
    ]


@pytest.fixture
def metric(plan, owner):
    return MetricFactory(objective__goal__plan=plan, objective__code="1.1", name="Share of staff with MFA", owner=owner)
