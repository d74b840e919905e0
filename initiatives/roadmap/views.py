"""The roadmap page: the plan's initiatives on a fiscal-year timeline (server-side SVG, printable),
with filters by department and theme; the table after it is the chart's text alternative.
"""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from goals import selectors
from goals.models import Department, Plan
from initiatives.models import Initiative, Milestone
from initiatives.roadmap.geometry import roadmap as roadmap_geometry
from planboard.core import permissions
from planboard.core.views import refuse


def _readable_plan(request: HttpRequest, slug: str) -> Plan | HttpResponse:
    plan = selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No plan by that name.")
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    return plan


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's initiatives by fiscal year and theme; `?department=<id>&theme=<id>` filter it."""
    plan = _readable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    department, theme = _int(request.GET.get("department")), _int(request.GET.get("theme"))
    initiatives = (
        Initiative.objects.filter(plan=plan)
        .select_related("theme", "department")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due", "title")))
    )
    if department:
        initiatives = initiatives.filter(department_id=department)
    if theme:
        initiatives = initiatives.filter(theme_id=theme)
    chart = roadmap_geometry(
        plan,
        list(initiatives.order_by("code")),
        timezone.localdate(),
        url_for=lambda i: reverse("initiative-detail", args=[i.pk]),
    )
    return render(
        request,
        "initiatives/roadmap/roadmap.html",
        {
            "plan": plan,
            "chart": chart,
            "nav": "roadmap",
            "themes": list(plan.themes.order_by("order", "name")),
            "departments": list(Department.objects.filter(initiatives__plan=plan).distinct().order_by("name")),
            "chosen": {"department": department, "theme": theme},
        },
    )
