"""A small city for the tests of the planning features (alignment, department plans, IT requests,
priority, roadmap): an enterprise plan, Water Services and Police with their IT plans aligned to
it, a liaison for each department, the CIO and a plan editor.

    enterprise  Goal 1 (objectives 1.1, 1.2)   Goal 2 (objective 2.1)
    water       Goal 1: W1.1 → enterprise 1.1 (direct)
                        W1.2 → W1.1 (indirect, through W1.1)
                        W1.3 → W1.2 (indirect, through W1.2 and then W1.1)
                initiative WS-1 → W1.2 (indirect);  WS-3: no link
    police      Goal 1: P1.1 → enterprise 2.1 (direct)
"""

import datetime
from decimal import Decimal

import pytest

from goals.models import DepartmentMembership
from initiatives.models import AlignmentScore, Initiative
from planboard.core.permissions import Role
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    GoalFactory,
    InitiativeFactory,
    MembershipFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ThemeFactory,
    UserFactory,
    user_with_role,
)


class City:
    def __init__(self):
        self.enterprise = PlanFactory(title="Strategic Technology Plan", slug="stp")
        self.goal1 = GoalFactory(plan=self.enterprise, number=1, title="Cybersecurity")
        self.goal2 = GoalFactory(plan=self.enterprise, number=2, title="Digital services")
        self.e11 = ObjectiveFactory(goal=self.goal1, code="1.1", title="Protect accounts")
        self.e12 = ObjectiveFactory(goal=self.goal1, code="1.2", title="Train staff")
        self.e21 = ObjectiveFactory(goal=self.goal2, code="2.1", title="Online permits")

        self.water = DepartmentFactory(name="Water Services", slug="water")
        self.police = DepartmentFactory(name="Police", slug="police")
        self.water_plan = DepartmentPlanFactory(department=self.water, parent=self.enterprise, slug="water-it")
        self.police_plan = DepartmentPlanFactory(department=self.police, parent=self.enterprise, slug="police-it")
        water_goal = GoalFactory(plan=self.water_plan, number=1)
        self.w11 = ObjectiveFactory(goal=water_goal, code="W1.1", title="Segment SCADA")
        self.w12 = ObjectiveFactory(goal=water_goal, code="W1.2", title="Monitor SCADA")
        self.w13 = ObjectiveFactory(goal=water_goal, code="W1.3", title="Drill SCADA incidents")
        self.w11.aligned_to.set([self.e11])
        self.w12.aligned_to.set([self.w11])
        self.w13.aligned_to.set([self.w12])
        self.ws1 = InitiativeFactory(plan=self.water_plan, code="WS-1", department=self.water)
        self.ws1.aligned_to.set([self.w12])
        self.ws3 = InitiativeFactory(plan=self.water_plan, code="WS-3", department=self.water, title="Intranet refresh")
        police_goal = GoalFactory(plan=self.police_plan, number=1)
        self.p11 = ObjectiveFactory(goal=police_goal, code="P1.1", title="Replace records system")
        self.p11.aligned_to.set([self.e21])

        self.cio = user_with_role(Role.ADMIN, username="cio")
        self.editor = user_with_role(Role.EDITOR, username="editor")
        self.viewer = user_with_role(Role.VIEWER, username="viewer")
        self.water_liaison = UserFactory(username="water_liaison")
        MembershipFactory(user=self.water_liaison, department=self.water, role=DepartmentMembership.Role.LIAISON)
        self.police_liaison = UserFactory(username="police_liaison")
        MembershipFactory(user=self.police_liaison, department=self.police, role=DepartmentMembership.Role.LIAISON)


@pytest.fixture
def city(db) -> City:
    return City()


@pytest.fixture
def api():
    """`api(user)`: a DRF client signed in as `user` (token auth), `api(None)` anonymous."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def scored(city):
    """Two initiatives of the enterprise plan scored against a pillar (weight 2) and a driver (1);
    `add(code, pillar_score, driver_score)` scores more (the priority and roadmap pages)."""
    pillar = PillarFactory(plan=city.enterprise, name="One IT", weight=Decimal("2"))
    driver = DriverFactory(plan=city.enterprise, name="Secure", weight=Decimal("1"))
    theme = ThemeFactory(plan=city.enterprise, name="Infrastructure")

    def add(code: str, p: int, d: int) -> Initiative:
        initiative = InitiativeFactory(plan=city.enterprise, code=code, theme=theme, department=city.water)
        AlignmentScore.objects.create(initiative=initiative, pillar=pillar, score=p)
        AlignmentScore.objects.create(initiative=initiative, driver=driver, score=d)
        MilestoneFactory(initiative=initiative, due=datetime.date(2023, 3, 31))
        return initiative

    add("E-1", 3, 0)
    add("E-2", 0, 3)
    return pillar, driver, add
