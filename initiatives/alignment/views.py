"""The alignment page: departments × enterprise goals, and the gaps on either side.

For an enterprise plan: a matrix of the departments whose IT plans align to it (count of aligned
items and their mean progress per goal), the enterprise objectives no department item serves,
and the department items that serve none (flagged for the liaison and the CIO). Only the
department plans the reader may read are counted, and the page says so. `?format=csv` downloads
every department item with what it serves.
"""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from goals import selectors
from goals import visibility as goals_visible
from goals.models import Plan
from initiatives.alignment.rules import alignment_summary, department_plans_of
from planboard.core import permissions
from planboard.core.views import refuse


def _enterprise_plan(request: HttpRequest, slug: str) -> Plan | HttpResponse:
    plan = selectors.plan_by_slug(slug)
    if plan is None or plan.scope != Plan.Scope.ENTERPRISE:
        raise Http404("No enterprise plan by that name.")
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    return plan


def alignment_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    """Departments × goals of an enterprise plan, unsupported objectives, unaligned items; CSV too."""
    plan = _enterprise_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    summary = alignment_summary(plan, department_plans_of(plan, goals_visible.visible_plans(request.user)))
    if request.GET.get("format") == "csv":
        return _csv(summary)
    rows = [{"row": row, "cells": list(zip(summary.goals, row.cells, strict=True))} for row in summary.rows]
    return render(
        request,
        "initiatives/alignment/matrix.html",
        {
            "plan": plan,
            "summary": summary,
            "rows": rows,
            "totals": list(zip(summary.goals, summary.totals, strict=True)),
            "reads_everything": permissions.actor(request.user).reads_everything,
            "nav": "alignment",
        },
    )


def _csv(summary) -> HttpResponse:
    """Every department item the page counts, one line per enterprise objective it serves (or "no")."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{summary.enterprise.slug}-alignment.csv"'
    writer = csv.writer(response)
    writer.writerow(["department", "plan", "kind", "code", "title", "aligned", "link", "enterprise objective", "via"])
    for row in summary.rows:
        titles = {plan.pk: plan.title for plan in row.plans}
        items = {(a.item._meta.model_name, a.item.pk): a for cell in row.cells for a in cell.items}
        items |= {(a.item._meta.model_name, a.item.pk): a for a in row.unaligned}
        for alignment in items.values():
            item = alignment.item
            plan_id = item.plan_id if hasattr(item, "plan_id") else item.goal.plan_id
            base = [row.department.name, titles[plan_id], item._meta.verbose_name, item.code, _safe(item.title)]
            if not alignment.is_aligned:
                writer.writerow([*base, "no", "", "", ""])
            for objective in alignment.direct:
                writer.writerow([*base, "yes", "direct", _safe(f"{objective.code} {objective.title}"), ""])
            for objective, via in alignment.indirect:
                writer.writerow(
                    [
                        *base,
                        "yes",
                        "indirect",
                        _safe(f"{objective.code} {objective.title}"),
                        _safe(f"{via.code} {via.title}"),
                    ]
                )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
