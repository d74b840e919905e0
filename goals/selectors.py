"""Reads of the plan tree for pages: each selector fetches what its page shows in a fixed number
of queries (select_related / prefetch_related), whatever the size of the plan.

Figures (`progress`, `pace`, `health`, `computed_at`) are the cached ones; nothing here computes
a roll-up.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from goals.models import Department, Goal, Metric, MetricReading, Objective, Plan
from planboard import permissions


def plan_list(user) -> QuerySet[Plan]:
    """The plans `user` may read: enterprise plans first, then department plans, newest first."""
    return permissions.visible_plans(user).select_related("department").order_by("scope", "-start_fiscal_year", "title")


def plan_active_enterprise(user) -> Plan | None:
    """The plan the home page shows: the newest active enterprise plan `user` may read."""
    return (
        permissions.visible_plans(user)
        .filter(scope=Plan.Scope.ENTERPRISE, status=Plan.Status.ACTIVE)
        .order_by("-start_fiscal_year", "pk")
        .first()
    )


def plan_by_slug(slug: str) -> Plan | None:
    """A plan by slug, whoever may read it (the view asks permissions.can_view_plan)."""
    return Plan.objects.select_related("department", "parent").filter(slug=slug).first()


def plan_goals(plan: Plan) -> list[Goal]:
    """The plan's goals in number order, with their cached figures."""
    return list(plan.goals.order_by("number"))


def goal_detail(pk: int) -> Goal | None:
    """A goal with its objectives, each objective's metrics and the initiatives supporting it."""
    from django.apps import apps

    # Resolved through the app registry: goals does not import initiatives (imports run initiatives → goals).
    initiative_model = apps.get_model("initiatives", "Initiative")
    return (
        Goal.objects.select_related("plan")
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("code")),
            Prefetch("objectives__metrics", queryset=Metric.objects.select_related("owner").order_by("name")),
            Prefetch(
                "objectives__initiatives",
                queryset=initiative_model.objects.select_related("owner", "department").order_by("code"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def metric_detail(pk: int) -> Metric | None:
    """A metric with its objective, goal and plan, and its readings (oldest first) with who entered them."""
    return (
        Metric.objects.select_related("objective__goal__plan", "owner")
        .prefetch_related(
            Prefetch("readings", queryset=MetricReading.objects.select_related("entered_by").order_by("period_end"))
        )
        .filter(pk=pk)
        .first()
    )


def department_by_slug(user, slug: str) -> Department | None:
    return permissions.visible_departments(user).filter(slug=slug).first()


# --- Alignment of a department plan to the enterprise plan ------------------------------------


@dataclass
class Alignment:
    """Which enterprise objectives an item of a department plan serves, directly or through
    another objective of the same department plan (`via`)."""

    item: object
    direct: list[Objective] = field(default_factory=list)
    indirect: list[tuple[Objective, Objective]] = field(default_factory=list)  # (enterprise objective, via)

    @property
    def is_aligned(self) -> bool:
        return bool(self.direct or self.indirect)


def alignment_targets() -> Prefetch:
    """The prefetch every aligned item needs: its `aligned_to` objectives with goal and plan."""
    return Prefetch("aligned_to", queryset=Objective.objects.select_related("goal__plan").order_by("code"))


def resolve_alignment(item, plan: Plan, own_objectives: dict[int, Objective]) -> Alignment:
    """Follow `item.aligned_to` (prefetched) to enterprise objectives, through same-plan objectives.

    `own_objectives` maps the department plan's objectives by id, each with `aligned_to`
    prefetched, so following a chain costs no query. A cycle between department objectives ends
    where it started.
    """
    result = Alignment(item)
    pending = [(target, None) for target in item.aligned_to.all()]
    seen: set[int] = set()
    while pending:
        target, via = pending.pop(0)
        if target.goal.plan.scope == Plan.Scope.ENTERPRISE:
            if via is None:
                result.direct.append(target)
            else:
                result.indirect.append((target, via))
        elif target.goal.plan_id == plan.pk and target.pk not in seen and target.pk in own_objectives:
            seen.add(target.pk)
            pending.extend((next_target, via or target) for next_target in own_objectives[target.pk].aligned_to.all())
    return result


def plan_objective_alignment(plan: Plan) -> tuple[list[Alignment], dict[int, Objective]]:
    """Every objective of a department plan with the enterprise objectives it serves.

    Returns the alignments in goal and code order, and the plan's objectives by id (to resolve
    the plan's initiatives with `resolve_alignment`).
    """
    objectives = list(
        Objective.objects.filter(goal__plan=plan).select_related("goal__plan")
        .prefetch_related(alignment_targets()).order_by("goal__number", "code")
    )
    by_id = {objective.pk: objective for objective in objectives}
    return [resolve_alignment(objective, plan, by_id) for objective in objectives], by_id
