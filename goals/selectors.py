"""Reads of the plan tree for pages: each selector fetches what its page shows in a fixed number
of queries (select_related / prefetch_related), whatever the size of the plan.

Figures (`progress`, `pace`, `health`, `computed_at`) are the cached ones; nothing here computes
a roll-up.
"""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from goals import visibility as goals_visible
from goals.models import Department, Goal, Metric, MetricReading, Objective, Plan, PlanChange, ReportingPeriod


def plan_list(user) -> QuerySet[Plan]:
    """The plans `user` may read: enterprise plans first, then department plans, newest first."""
    return (
        goals_visible.visible_plans(user).select_related("department").order_by("scope", "-start_fiscal_year", "title")
    )


def plan_active_enterprise(user) -> Plan | None:
    """The plan the home page shows: the newest active enterprise plan `user` may read."""
    return (
        goals_visible.visible_plans(user)
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
    return goals_visible.visible_departments(user).filter(slug=slug).first()


# --- Alignment of a department plan to the enterprise plan ------------------------------------
# The rule itself (direct and indirect links) lives in initiatives.alignment.rules; this is only what
# a page prefetches to list an item's own links.


def alignment_targets() -> Prefetch:
    """The prefetch an item's page needs to list its `aligned_to` objectives with goal and plan."""
    return Prefetch("aligned_to", queryset=Objective.objects.select_related("goal__plan").order_by("code"))


def plan_has_pending_changes(plan_id: int) -> bool:
    """Whether changes to the plan await their recalculation (its figures are not current)."""
    return PlanChange.objects.filter(plan_id=plan_id).exists()


# --- Closed reporting periods --------------------------------------------------------------


def closed_through(plan_ref: str = "pk") -> Subquery:
    """The last day of the latest closed reporting period of the plan whose id is the outer
    query's `plan_ref`, as an annotation (no query of its own): the rule of owed periods
    (planboard.core.progress.owed_period) never owes a closed period."""
    latest = ReportingPeriod.objects.filter(plan_id=OuterRef(plan_ref)).order_by("-ends_on")
    return Subquery(latest.values("ends_on")[:1])


def closed_period_ends(plan) -> set:
    """The last days of the plan's closed reporting periods (one query)."""
    return set(ReportingPeriod.objects.filter(plan=plan).values_list("ends_on", flat=True))


def period_is_closed(*, plan, day) -> bool:
    """Whether the plan's reporting period that `day` falls in has been closed (one query)."""
    return ReportingPeriod.objects.filter(plan=plan, starts_on__lte=day, ends_on__gte=day).exists()


def reporting_period_closed(*, plan, ends_on) -> "ReportingPeriod | None":
    """The closed period of the plan ending `ends_on`, or None while it is open."""
    return ReportingPeriod.objects.filter(plan=plan, ends_on=ends_on).select_related("closed_by").first()
