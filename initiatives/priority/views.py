"""Priority and sensitivity pages of a plan.

- Priority: the method and the weights beside the ranking; plan editors (whoever may edit the
  plan's structure) change the weights in a form on the same page, which re-ranks and stores
  the figures (initiatives.priority.services.priority_weights_update).
- Sensitivity: for each weight moved ±10%, the initiatives whose rank changes.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goals import selectors
from goals.models import Plan
from initiatives.models import Initiative
from initiatives.priority import rules as priority
from initiatives.priority.services import priority_weights_update
from planboard.core import permissions
from planboard.core.exceptions import ConflictError
from planboard.core.views import refuse


def _readable_plan(request: HttpRequest, slug: str) -> Plan | HttpResponse:
    plan = selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No plan by that name.")
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    return plan


def _weights_from(post, ranking: priority.Ranking) -> tuple[dict, dict]:
    weights, versions = {}, {}
    for criterion in ranking.criteria:
        key = criterion.key
        if f"weight-{key}" in post:
            weights[key] = post[f"weight-{key}"]
        version = post.get(f"version-{key}", "")
        if version.isdigit():
            versions[key] = int(version)
    return weights, versions


def priority_ranking(request: HttpRequest, slug: str) -> HttpResponse:
    """The ranking with the method and weights; POST (plan editors) changes the weights."""
    plan = _readable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    may_edit = permissions.can_edit_plan(request.user, plan)
    initiatives = Initiative.objects.filter(plan=plan).select_related("department", "theme")
    ranking = priority.plan_ranking(plan, initiatives=initiatives)
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("You may not change this plan's weights.")
        weights, versions = _weights_from(request.POST, ranking)
        try:
            priority_weights_update(plan=plan, actor=request.user, weights=weights, versions=versions)
        except ValidationError as error:
            errors, typed, status = {k: v[0] for k, v in error.message_dict.items()}, weights, 400
        except ConflictError as error:
            messages.error(request, f"{error} The weights below are the current ones.")
            return redirect("priority-ranking", slug=plan.slug)
        else:
            messages.success(request, "Weights saved; the ranking below uses them.")
            return redirect("priority-ranking", slug=plan.slug)
    criteria = [
        {
            "criterion": c,
            "field": f"weight-{c.key}",
            "error": errors.get(c.key, ""),
            "value": typed.get(c.key, c.weight),
        }
        for c in ranking.criteria
    ]
    return render(
        request,
        "initiatives/priority/ranking.html",
        {
            "plan": plan,
            "ranking": ranking,
            "criteria": criteria,
            "may_edit": may_edit,
            "method": priority.METHOD,
            "rows": [{"row": r, "scores": [r.scores.get(c.key) for c in ranking.criteria]} for r in ranking.rows],
            "nav": "priority",
        },
        status=status,
    )


def priority_sensitivity(request: HttpRequest, slug: str) -> HttpResponse:
    """For each weight moved ±10%, which initiatives change rank (and from what to what)."""
    plan = _readable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    ranking = priority.plan_ranking(plan)
    return render(
        request,
        "initiatives/priority/sensitivity.html",
        {
            "plan": plan,
            "ranking": ranking,
            "shifts": priority.sensitivity(ranking),
            "method": priority.METHOD,
            "nav": "sensitivity",
        },
    )
