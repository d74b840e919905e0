"""The "Planning" group of the main navigation: the planning pages of the plan on screen.

Alignment and the IT request register belong to an enterprise plan (a department plan's page
links to its parent's); priority and the roadmap to the plan on screen. A link is listed only
when planboard.core.permissions lets the reader open the page. The group is a closed <details>, so
a 375px phone header keeps its height; each planning page carries its own planning sub-navigation.
"""

from django import template
from django.urls import reverse

from goals.models import Plan
from planboard.core import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def planning_links(context) -> list[dict]:
    """`[{"label", "url", "current"}]` for the plan in the context; empty outside a plan."""
    plan = context.get("plan")
    request = context.get("request")
    if not isinstance(plan, Plan) or request is None:
        return []
    user, nav = request.user, context.get("nav", "")
    enterprise = plan if plan.scope == Plan.Scope.ENTERPRISE else plan.parent
    links = []
    if enterprise is not None and permissions.can_view_plan(user, enterprise):
        links.append(("Alignment", reverse("alignment-matrix", args=[enterprise.slug]), "alignment"))
        if user.is_authenticated:
            links.append(("IT requests", reverse("it-request-register", args=[enterprise.slug]), "it-requests"))
    if permissions.can_view_plan(user, plan):
        links.append(("Priorities", reverse("priority-ranking", args=[plan.slug]), "priority"))
        links.append(("Roadmap", reverse("roadmap", args=[plan.slug]), "roadmap"))
    if permissions.can_track_reporting(user, plan):
        links.append(("Reporting", reverse("cycle:tracker", args=[plan.slug]), "reporting"))
    return [
        {"label": label, "url": url, "current": nav == key or (key == "priority" and nav == "sensitivity")}
        for label, url, key in links
    ]
