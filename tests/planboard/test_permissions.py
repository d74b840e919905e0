"""Who may see and change what: every permission function, for every role, as a grid.

Each grid below is a table of roles (rows) × items (columns); `yes` means allowed, `.` refused.
One test runs per cell, named `<function>:<role>:<item>`, so a failure points at the cell.

The world every test runs in (built fresh by the `world` fixture):

    departments   a, b, and `closed` (inactive)
    plans         ent_pub    enterprise, published         a      department A's plan, unpublished
                  ent_draft  enterprise, not published     b_pub  department B's plan, published
                                                           b      department B's plan, unpublished
    initiatives   in ent_draft: owned (by `owner`), dept_a (department A), dept_b (department B),
                  unassigned; in_plan_a (in plan a), in_plan_b (in plan b), none with a department
    metrics       in ent_draft: owned (by `owner`), enterprise (no owner); in_plan_a, in_plan_b
    IT requests   req_a (department A), req_b (department B)
    every plan also has one goal, objective, metric, reading, initiative and milestone,
    which is what the `visible_*` grid counts.

Roles: anonymous; signed_in (no role, no department); viewer, editor, admin (groups); superuser
(no group); owner (owns `owned` items, no role); member_a and liaison_a (department A);
liaison_closed (liaison of the closed department); inactive (deactivated account that is in
the CIO group and a liaison of department A: it must get nothing from either).
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import transaction

from goals import visibility as goals_visible
from goals.models import Plan
from initiatives import visibility as initiatives_visible
from planboard.core import permissions
from planboard.core.permissions import Role, actor, forget
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    GoalFactory,
    InitiativeFactory,
    ITRequestFactory,
    MembershipFactory,
    MetricFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ReadingFactory,
    ThemeFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "signed_in",
    "viewer",
    "editor",
    "admin",
    "superuser",
    "owner",
    "member_a",
    "liaison_a",
    "liaison_closed",
    "inactive",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    initiatives: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)

    def plan_keys(self, plan_ids) -> set[str]:
        names = {plan.pk: key for key, plan in self.plans.items()}
        return {names[plan_id] for plan_id in plan_ids}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for this module's ~400 read-only tests, inside a transaction rolled back at the end.

    Each test still runs in its own savepoint (pytest-django's `db`), so a test that wrote would
    not leak into the next; none does.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
    w = World()
    w.departments = {
        "a": DepartmentFactory(name="Police"),
        "b": DepartmentFactory(name="Water Services"),
        "closed": DepartmentFactory(name="Former Department", is_active=False),
    }
    w.plans = {
        "ent_pub": PlanFactory(is_published=True),
        "ent_draft": PlanFactory(is_published=False),
        "a": DepartmentPlanFactory(department=w.departments["a"]),
        "b_pub": DepartmentPlanFactory(department=w.departments["b"], is_published=True),
        "b": DepartmentPlanFactory(department=w.departments["b"]),
    }
    for plan in w.plans.values():
        metric = MetricFactory(objective=ObjectiveFactory(goal=GoalFactory(plan=plan)))
        ReadingFactory(metric=metric)
        MilestoneFactory(initiative=InitiativeFactory(plan=plan))
        PillarFactory(plan=plan)
        DriverFactory(plan=plan)
        ThemeFactory(plan=plan)

    owner = UserFactory(username="owner")
    inactive = user_with_role(Role.ADMIN, username="inactive", is_active=False)
    w.users = {
        "anonymous": AnonymousUser(),
        "signed_in": UserFactory(username="signed-in"),
        "viewer": user_with_role(Role.VIEWER, username="viewer"),
        "editor": user_with_role(Role.EDITOR, username="editor"),
        "admin": user_with_role(Role.ADMIN, username="cio"),
        "superuser": UserFactory(username="root", is_superuser=True),
        "owner": owner,
        "member_a": MembershipFactory(department=w.departments["a"]).user,
        "liaison_a": MembershipFactory(department=w.departments["a"], role="liaison").user,
        "liaison_closed": MembershipFactory(department=w.departments["closed"], role="liaison").user,
        "inactive": inactive,
    }
    MembershipFactory(department=w.departments["a"], user=inactive, role="liaison")

    enterprise = w.plans["ent_draft"]
    w.initiatives = {
        "owned": InitiativeFactory(plan=enterprise, owner=owner),
        "dept_a": InitiativeFactory(plan=enterprise, department=w.departments["a"]),
        "dept_b": InitiativeFactory(plan=enterprise, department=w.departments["b"]),
        "unassigned": InitiativeFactory(plan=enterprise),
        "in_plan_a": InitiativeFactory(plan=w.plans["a"]),
        "in_plan_b": InitiativeFactory(plan=w.plans["b"]),
    }
    w.metrics = {
        "owned": MetricFactory(objective__goal__plan=enterprise, owner=owner),
        "enterprise": MetricFactory(objective__goal__plan=enterprise),
        "in_plan_a": MetricFactory(objective__goal__plan=w.plans["a"]),
        "in_plan_b": MetricFactory(objective__goal__plan=w.plans["b"]),
    }
    w.requests = {
        "req_a": ITRequestFactory(department=w.departments["a"], plan=w.plans["ent_pub"]),
        "req_b": ITRequestFactory(department=w.departments["b"], plan=w.plans["ent_pub"]),
    }
    return w


def grid(check: str, table: str) -> list:
    """One pytest param (check, role, item, allowed) per cell of a roles × items table."""
    header, *rows = (line.split() for line in table.strip().splitlines())
    assert tuple(row[0] for row in rows) == ROLES, f"{check}: the grid must list every role, in order"
    cells = []
    for role, *answers in rows:
        assert len(answers) == len(header), f"{check}: row {role} has {len(answers)} cells for {len(header)} items"
        for item, answer in zip(header, answers, strict=True):
            assert answer in ("yes", "."), f"{check}: {role}/{item} is {answer!r}, not 'yes' or '.'"
            cells.append(pytest.param(check, role, item, answer == "yes", id=f"{check}:{role}:{item}"))
    return cells


def rows_of(table: str) -> dict[str, set[str]]:
    """A roles × items table as {role: the items marked yes}."""
    header, *rows = (line.split() for line in table.strip().splitlines())
    return {
        role: {item for item, answer in zip(header, answers, strict=True) if answer == "yes"} for role, *answers in rows
    }


# Who reads which plan: the same answer for the plan itself and for everything inside it.
READS = """
                ent_pub  ent_draft  a    b_pub  b
anonymous       yes      .          .    yes    .
signed_in       yes      yes        .    yes    .
viewer          yes      yes        yes  yes    yes
editor          yes      yes        yes  yes    yes
admin           yes      yes        yes  yes    yes
superuser       yes      yes        yes  yes    yes
owner           yes      yes        .    yes    .
member_a        yes      yes        yes  yes    .
liaison_a       yes      yes        yes  yes    .
liaison_closed  yes      yes        .    yes    .
inactive        yes      .          .    yes    .
"""

EDIT_PLAN = """
                ent_draft  a    b
anonymous       .          .    .
signed_in       .          .    .
viewer          .          .    .
editor          yes        .    .
admin           yes        yes  yes
superuser       yes        yes  yes
owner           .          .    .
member_a        .          .    .
liaison_a       .          yes  .
liaison_closed  .          .    .
inactive        .          .    .
"""

# enterprise: a new enterprise plan; dept_a / dept_b: a new department plan for A / B.
CREATE_PLAN = """
                enterprise  dept_a  dept_b
anonymous       .           .       .
signed_in       .           .       .
viewer          .           .       .
editor          .           .       .
admin           yes         yes     yes
superuser       yes         yes     yes
owner           .           .       .
member_a        .           .       .
liaison_a       .           yes     .
liaison_closed  .           .       .
inactive        .           .       .
"""

EDIT_INITIATIVE = """
                owned  dept_a  dept_b  unassigned  in_plan_a  in_plan_b
anonymous       .      .       .       .           .          .
signed_in       .      .       .       .           .          .
viewer          .      .       .       .           .          .
editor          yes    yes     yes     yes         .          .
admin           yes    yes     yes     yes         yes        yes
superuser       yes    yes     yes     yes         yes        yes
owner           yes    .       .       .           .          .
member_a        .      yes     .       .           yes        .
liaison_a       .      yes     .       .           yes        .
liaison_closed  .      .       .       .           .          .
inactive        .      .       .       .           .          .
"""

EDIT_METRIC = """
                owned  enterprise  in_plan_a  in_plan_b
anonymous       .      .           .          .
signed_in       .      .           .          .
viewer          .      .           .          .
editor          yes    yes         .          .
admin           yes    yes         yes        yes
superuser       yes    yes         yes        yes
owner           yes    .           .          .
member_a        .      .           .          .
liaison_a       .      .           yes        .
liaison_closed  .      .           .          .
inactive        .      .           .          .
"""

EDIT_IT_REQUEST = """
                req_a  req_b
anonymous       .      .
signed_in       .      .
viewer          .      .
editor          .      .
admin           yes    yes
superuser       yes    yes
owner           .      .
member_a        .      .
liaison_a       yes    .
liaison_closed  .      .
inactive        .      .
"""

FILE_IT_REQUEST = """
                a    b    closed
anonymous       .    .    .
signed_in       .    .    .
viewer          .    .    .
editor          .    .    .
admin           yes  yes  yes
superuser       yes  yes  yes
owner           .    .    .
member_a        .    .    .
liaison_a       yes  .    .
liaison_closed  .    .    .
inactive        .    .    .
"""

DECIDE_IT_REQUEST = """
                any
anonymous       .
signed_in       .
viewer          .
editor          .
admin           yes
superuser       yes
owner           .
member_a        .
liaison_a       .
liaison_closed  .
inactive        .
"""

GENERATE_REPORT_CARD = """
                ent_draft  a
anonymous       .          .
signed_in       .          .
viewer          .          .
editor          yes        .
admin           yes        yes
superuser       yes        yes
owner           .          .
member_a        .          .
liaison_a       .          .
liaison_closed  .          .
inactive        .          .
"""

# Closing a reporting period (and correcting a closed one): the CIO alone, on any plan.
CLOSE_PERIOD = """
                ent_draft  a
anonymous       .          .
signed_in       .          .
viewer          .          .
editor          .          .
admin           yes        yes
superuser       yes        yes
owner           .          .
member_a        .          .
liaison_a       .          .
liaison_closed  .          .
inactive        .          .
"""

READS_IT_REQUESTS = """
                req_a  req_b
anonymous       .      .
signed_in       .      .
viewer          yes    yes
editor          yes    yes
admin           yes    yes
superuser       yes    yes
owner           .      .
member_a        yes    .
liaison_a       yes    .
liaison_closed  .      .
inactive        .      .
"""

# Department names are public record; a closed department is listed to administrators only.
READS_DEPARTMENTS = """
                a    b    closed
anonymous       yes  yes  .
signed_in       yes  yes  .
viewer          yes  yes  .
editor          yes  yes  .
admin           yes  yes  yes
superuser       yes  yes  yes
owner           yes  yes  .
member_a        yes  yes  .
liaison_a       yes  yes  .
liaison_closed  yes  yes  .
inactive        yes  yes  .
"""


def _create_plan(user, w: World, item: str) -> bool:
    if item == "enterprise":
        return permissions.can_create_plan(user, scope=Plan.Scope.ENTERPRISE)
    return permissions.can_create_plan(
        user, scope=Plan.Scope.DEPARTMENT, department=w.departments[item.removeprefix("dept_")]
    )


CHECKS = {
    "can_view_plan": lambda user, w, item: permissions.can_view_plan(user, w.plans[item]),
    "can_edit_plan": lambda user, w, item: permissions.can_edit_plan(user, w.plans[item]),
    "can_create_plan": _create_plan,
    "can_edit_initiative": lambda user, w, item: permissions.can_edit_initiative(user, w.initiatives[item]),
    "can_edit_metric": lambda user, w, item: permissions.can_edit_metric(user, w.metrics[item]),
    "can_edit_it_request": lambda user, w, item: permissions.can_edit_it_request(user, w.requests[item]),
    "can_file_it_request": lambda user, w, item: permissions.can_file_it_request(user, w.departments[item]),
    "can_decide_it_request": lambda user, w, item: permissions.can_decide_it_request(user),
    "can_edit_department": lambda user, w, item: permissions.can_edit_department(user),
    "can_generate_report_card": lambda user, w, item: permissions.can_generate_report_card(user, w.plans[item]),
    "can_close_period": lambda user, w, item: permissions.can_close_period(user, w.plans[item]),
}

CELLS = [
    *grid("can_view_plan", READS),
    *grid("can_edit_plan", EDIT_PLAN),
    *grid("can_create_plan", CREATE_PLAN),
    *grid("can_edit_initiative", EDIT_INITIATIVE),
    *grid("can_edit_metric", EDIT_METRIC),
    *grid("can_edit_it_request", EDIT_IT_REQUEST),
    *grid("can_file_it_request", FILE_IT_REQUEST),
    *grid("can_decide_it_request", DECIDE_IT_REQUEST),
    *grid("can_edit_department", DECIDE_IT_REQUEST),  # the same rule: administrators only
    *grid("can_generate_report_card", GENERATE_REPORT_CARD),
    *grid("can_close_period", CLOSE_PERIOD),
]


@pytest.mark.parametrize("check, role, item, allowed", CELLS)
def test_can(world, check, role, item, allowed):
    assert CHECKS[check](world.users[role], world, item) is allowed


# Each visible_* list, reduced to the plans its rows belong to (path from the row to its plan).
PLAN_OF = {
    "visible_plans": "pk",
    "visible_goals": "plan",
    "visible_objectives": "goal__plan",
    "visible_metrics": "objective__goal__plan",
    "visible_readings": "metric__objective__goal__plan",
    "visible_initiatives": "plan",
    "visible_milestones": "initiative__plan",
    "visible_pillars": "plan",
    "visible_drivers": "plan",
    "visible_themes": "plan",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("function", PLAN_OF)
def test_visible(world, function, role):
    module = initiatives_visible if hasattr(initiatives_visible, function) else goals_visible
    rows = getattr(module, function)(world.users[role])
    assert world.plan_keys(rows.values_list(PLAN_OF[function], flat=True)) == rows_of(READS)[role]


@pytest.mark.parametrize("role", ROLES)
def test_visible_it_requests(world, role):
    names = {request.pk: key for key, request in world.requests.items()}
    visible = initiatives_visible.visible_it_requests(world.users[role]).values_list("pk", flat=True)
    assert {names[pk] for pk in visible} == rows_of(READS_IT_REQUESTS)[role]


@pytest.mark.parametrize("role", ROLES)
def test_visible_departments(world, role):
    names = {department.pk: key for key, department in world.departments.items()}
    visible = goals_visible.visible_departments(world.users[role]).values_list("pk", flat=True)
    assert {names[pk] for pk in visible} == rows_of(READS_DEPARTMENTS)[role]


def test_every_permission_function_is_in_a_grid():
    # A new can_*/visible_* function must get a row per role here before it is trusted.
    public = {name for name in dir(permissions) if name.startswith("can_")}
    for module in (goals_visible, initiatives_visible):
        public |= {name for name in dir(module) if name.startswith("visible_")}
    assert public == set(CHECKS) | set(PLAN_OF) | {"visible_it_requests", "visible_departments"}


# --- The cached actor. ---------------------------------------------------------------------


def test_actor_reads_a_user_once_then_answers_from_the_cache(django_assert_num_queries):
    membership = MembershipFactory(role="liaison")
    user, department = membership.user, membership.department
    with django_assert_num_queries(2):  # the user's groups, then their memberships
        first = actor(user)
    with django_assert_num_queries(0):
        assert actor(user) is first
        # Later checks in the same request answer from the cache too.
        assert permissions.can_file_it_request(user, department) is True
        assert permissions.can_decide_it_request(user) is False


def test_anonymous_and_inactive_users_cost_no_query(django_assert_num_queries):
    inactive = UserFactory(is_active=False)
    with django_assert_num_queries(0):
        assert actor(AnonymousUser()).is_anonymous
        assert actor(None).is_anonymous
        assert actor(inactive).is_anonymous


def test_forget_drops_the_cache_so_a_new_role_takes_effect():
    user = UserFactory()
    plan = PlanFactory()
    assert permissions.can_edit_plan(user, plan) is False
    user.groups.add(Group.objects.get_or_create(name=Role.EDITOR)[0])
    assert permissions.can_edit_plan(user, plan) is False  # still the cached answer
    forget(user)
    assert permissions.can_edit_plan(user, plan) is True


def test_forget_is_harmless_for_a_user_never_read(django_assert_num_queries):
    user = UserFactory()
    forget(user)
    with django_assert_num_queries(2):
        actor(user)


def test_a_new_membership_counts_after_forget():
    user = UserFactory()
    department_plan = DepartmentPlanFactory()
    assert permissions.can_view_plan(user, department_plan) is False
    MembershipFactory(user=user, department=department_plan.department)
    forget(user)
    assert permissions.can_view_plan(user, department_plan) is True
