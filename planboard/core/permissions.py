"""Who may see and change what: the one place Planboard decides it.

HTML views, the API, imports and the admin all call these functions, so a rule changes in one
place. Global roles are Django groups (`Role`); the initiative owner and department liaison
roles come from the data (who owns an item, who belongs to which department).

Visibility:
- the public (anonymous) reads published plans only;
- CIO/administrators, plan editors and viewers read every plan;
- any other signed-in user reads enterprise plans, their own departments' plans and published ones;
- IT requests are read by administrators, editors, viewers and the requesting department.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from planboard.core.choices import MembershipRole, PlanScope


class Role:
    ADMIN = "CIO / administrator"
    EDITOR = "Plan editor"
    VIEWER = "Viewer"
    ALL = (ADMIN, EDITOR, VIEWER)


@dataclass(frozen=True)
class Actor:
    """What one user is allowed, read once per user object (two queries) and then reused."""

    user_id: int | None
    is_admin: bool
    is_editor: bool
    reads_everything: bool
    department_ids: frozenset[int]
    liaison_department_ids: frozenset[int]

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None


def actor(user) -> Actor:
    """The permissions of `user`, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(None, False, False, False, frozenset(), frozenset())
    cached = getattr(user, "_planboard_actor", None)
    if cached is not None:
        return cached
    groups = set(user.groups.values_list("name", flat=True))
    memberships = list(user.memberships.filter(department__is_active=True).values_list("department_id", "role"))
    is_admin = user.is_superuser or Role.ADMIN in groups
    is_editor = is_admin or Role.EDITOR in groups
    result = Actor(
        user_id=user.pk,
        is_admin=is_admin,
        is_editor=is_editor,
        reads_everything=is_editor or Role.VIEWER in groups,
        department_ids=frozenset(dept for dept, _ in memberships),
        liaison_department_ids=frozenset(dept for dept, role in memberships if role == MembershipRole.LIAISON),
    )
    user._planboard_actor = result
    return result


def forget(user) -> None:
    """Drop the cached permissions, after a user's groups or memberships change."""
    if hasattr(user, "_planboard_actor"):
        del user._planboard_actor


# --- Reading -------------------------------------------------------------------------------


def _plan_filter(who: Actor, prefix: str = "") -> Q | None:
    """The plans `who` may read, as a filter on `prefix` + plan fields; None means all."""
    if who.reads_everything:
        return None
    published = Q(**{f"{prefix}is_published": True})
    if who.is_anonymous:
        return published
    return (
        published | Q(**{f"{prefix}scope": PlanScope.ENTERPRISE}) | Q(**{f"{prefix}department__in": who.department_ids})
    )


def readable(queryset: QuerySet, user, plan_path: str = "") -> QuerySet:
    """`queryset` narrowed to the rows in plans `user` may read; `plan_path` leads from its model to
    the Plan ("plan__", "goal__plan__"; "" for plans themselves). The apps' `visible_*` selectors
    (goals.visibility, initiatives.visibility) apply it to each model."""
    condition = _plan_filter(actor(user), plan_path)
    return queryset if condition is None else queryset.filter(condition)


def readable_departments(queryset: QuerySet, user) -> QuerySet:
    """Department names are public record; only active ones are listed to non-administrators."""
    return queryset if actor(user).is_admin else queryset.filter(is_active=True)


def readable_it_requests(queryset: QuerySet, user) -> QuerySet:
    """IT requests: administrators, editors and viewers read all; others their departments' own."""
    who = actor(user)
    return queryset if who.reads_everything else queryset.filter(department__in=who.department_ids)


def can_view_plan(user, plan) -> bool:
    who = actor(user)
    if who.reads_everything or plan.is_published:
        return True
    if who.is_anonymous:
        return False
    return plan.scope == PlanScope.ENTERPRISE or plan.department_id in who.department_ids


# --- Changing ------------------------------------------------------------------------------


def can_edit_plan(user, plan) -> bool:
    """Change a plan's structure: pillars, drivers, themes, goals, objectives, metrics, weights.

    Administrators change any plan; plan editors the enterprise plans; a department's liaison
    that department's own IT plan.
    """
    who = actor(user)
    if who.is_admin:
        return True
    if plan.scope == PlanScope.ENTERPRISE:
        return who.is_editor
    return plan.department_id in who.liaison_department_ids


def can_edit_department(user) -> bool:
    """Create, rename or close departments and manage their members: administrators only."""
    return actor(user).is_admin


def can_create_plan(user, *, scope: str, department=None) -> bool:
    who = actor(user)
    if who.is_admin:
        return True
    if scope == PlanScope.ENTERPRISE:
        return False
    return department is not None and department.pk in who.liaison_department_ids


def can_edit_initiative(user, initiative) -> bool:
    """Post status updates, milestones and details for an initiative.

    Those who may edit its plan, its owner, and members of the department it belongs to (or of
    the department whose plan it is in).
    """
    who = actor(user)
    if who.is_anonymous:
        return False
    if who.user_id == initiative.owner_id and initiative.owner_id is not None:
        return True
    if initiative.department_id in who.department_ids:
        return True
    plan = initiative.plan
    if plan.department_id is not None and plan.department_id in who.department_ids:
        return True
    return can_edit_plan(user, plan)


def can_edit_metric(user, metric) -> bool:
    """Record readings for a metric: its owner, and whoever may edit its plan."""
    who = actor(user)
    if who.is_anonymous:
        return False
    if metric.owner_id is not None and metric.owner_id == who.user_id:
        return True
    return can_edit_plan(user, metric.objective.goal.plan)


def can_edit_it_request(user, request) -> bool:
    """Draft and submit a request: administrators and the requesting department's liaisons."""
    who = actor(user)
    return who.is_admin or request.department_id in who.liaison_department_ids


def can_file_it_request(user, department) -> bool:
    who = actor(user)
    return who.is_admin or department.pk in who.liaison_department_ids


def can_decide_it_request(user) -> bool:
    """Approve or reject a request, and record a CIO exception: the CIO alone."""
    return actor(user).is_admin


def can_generate_report_card(user, plan, *, final: bool = False) -> bool:
    """Generate, regenerate and word a plan's report card; with `final`, mark one final.

    The CIO (administrators) does everything. Plan editors, who prepare the figures for the CIO,
    may generate and regenerate drafts of the enterprise plan's card and write its draft
    summary and recommendations, but only the CIO marks a card final, because a final card is
    what the city hands to the Mayor and Council and can never be changed. Department plans'
    cards are the CIO's alone. Viewers, liaisons and the public read cards; they make none.
    """
    who = actor(user)
    if who.is_admin:
        return True
    return not final and who.is_editor and plan.scope == PlanScope.ENTERPRISE


def can_close_period(user, plan) -> bool:
    """Close a plan's reporting period, and correct a closed one (with a reason): the CIO alone."""
    return actor(user).is_admin
