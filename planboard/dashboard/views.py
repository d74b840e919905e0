"""The pages that bring the apps together: the home page and plan dashboard, My work, and the
explanation of any figure ("how is 62% computed").

Permissions come from planboard.core.permissions; figures are the cached ones; the lists come from
the selectors of goals and initiatives.
"""

import datetime
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goals import selectors as plan_selectors
from goals.models import Goal, Metric, Objective, Plan
from initiatives import selectors as initiative_selectors
from initiatives.models import Initiative
from initiatives.overdue import plan_late_items
from planboard.core import permissions
from planboard.core.views import refuse
from planboard.dashboard.goal_list import goal_list_html
from reports.explain import progress_explain
from reports.models import ProgressSnapshot

TREND_DAYS = 365


def snapshot_series(plan: Plan, today: datetime.date) -> dict[tuple[str, int], list]:
    """The last year of daily figures of the plan and its goals, by (node type, id): one query."""
    rows = (
        ProgressSnapshot.objects.filter(
            plan=plan,
            node_type__in=[ProgressSnapshot.Node.PLAN, ProgressSnapshot.Node.GOAL],
            taken_on__gte=today - datetime.timedelta(days=TREND_DAYS),
        )
        .order_by("taken_on")
        .values_list("node_type", "node_id", "taken_on", "progress")
    )
    series: dict[tuple[str, int], list] = defaultdict(list)
    for node_type, node_id, taken_on, value in rows:
        series[(node_type, node_id)].append((taken_on, value))
    return series


def dashboard_context(plan: Plan, today: datetime.date) -> dict:
    """Everything the plan dashboard shows, in a fixed number of queries."""
    series = snapshot_series(plan, today)
    goals = plan_selectors.plan_goals(plan)
    for goal in goals:
        goal.trend = series.get((ProgressSnapshot.Node.GOAL, goal.pk), [])
    counts = initiative_selectors.plan_initiative_counts(plan, today)
    return {
        "plan": plan,
        "goals": goals,
        "goal_list": goal_list_html(plan, goals),
        "plan_trend": series.get((ProgressSnapshot.Node.PLAN, plan.pk), []),
        "health_counts": counts["health"],
        "stale": initiative_selectors.plan_stale_initiatives(plan, today),
        "stale_count": counts["stale"],
        "deadlines": initiative_selectors.plan_deadlines(plan, today),
        "late": plan_late_items(plan, today),
        "recently_completed": initiative_selectors.plan_recently_completed(plan),
        "today": today,
        "nav": "dashboard",
    }


def home(request: HttpRequest) -> HttpResponse:
    """The active enterprise plan's dashboard; the plan list when there is none to show."""
    plan = plan_selectors.plan_active_enterprise(request.user)
    if plan is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(
            request, "goals/plan_list.html", {"plans": plan_selectors.plan_list(request.user), "nav": "plans"}
        )
    return render(request, "dashboard/dashboard.html", dashboard_context(plan, timezone.localdate()))


def plan_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """`/plans/<slug>/`: overall progress against pace, goals, late and stale items, deadlines, completions."""
    plan = plan_selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No plan by that name.")
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    return render(request, "dashboard/dashboard.html", dashboard_context(plan, timezone.localdate()))


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What the signed-in user owns: stale and due initiatives first, then metric readings due."""
    today = timezone.localdate()
    return render(
        request,
        "dashboard/my_work.html",
        {
            "initiatives": initiative_selectors.my_initiatives(request.user, today),
            "metrics": initiative_selectors.my_metrics(request.user, today),
            "today": today,
            "nav": "my",
        },
    )


EXPLAINABLE = {
    "plan": (Plan, lambda plan: plan),
    "goal": (Goal.objects.select_related("plan"), lambda goal: goal.plan),
    "objective": (Objective.objects.select_related("goal__plan"), lambda objective: objective.goal.plan),
    "metric": (Metric.objects.select_related("objective__goal__plan"), lambda metric: metric.objective.goal.plan),
    "initiative": (Initiative.objects.select_related("plan"), lambda initiative: initiative.plan),
}


def explain(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """How a figure is computed: its inputs, weights and arithmetic (a panel when htmx asks)."""
    if kind not in EXPLAINABLE:
        raise Http404("Nothing of that kind has a figure.")
    source, plan_of = EXPLAINABLE[kind]
    queryset = source.objects.all() if isinstance(source, type) else source
    node = queryset.filter(pk=pk).first()
    if node is None:
        raise Http404("No such item.")
    plan = plan_of(node)
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    context = {"node": node, "kind": kind, "explanation": progress_explain(node), "plan": plan}
    template = "dashboard/_explain_panel.html" if request.htmx else "dashboard/explain.html"
    return render(request, template, context)
