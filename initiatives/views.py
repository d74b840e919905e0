"""Initiative pages: the filtered list and the initiative page with "Post an update" (a
department's IT plan and its alignment are initiatives.department_plans).

"Post an update" works as a plain form POST (redirect on success, so the page is drawn again
whole) and, with htmx, refreshes every part of the page in place: the figures, form and timeline,
and, out of band, the Details block and the change history. Its message says truly what became
of the plan's figures: recalculated (tasks run inline, without a broker), or queued (a broker
holds the recalculation), or waiting for the next scheduled run (the broker is unreachable). A
stale form (someone updated first) shows what changed and keeps the writer's text, with the form
now carrying the newer version.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from goals import selectors as plan_selectors
from goals.forms import attach_errors
from goals.services import plan_recalculation_state
from initiatives import selectors
from initiatives.forms import StatusUpdateForm
from initiatives.models import Initiative
from initiatives.overdue import mark_overdue
from initiatives.services import initiative_post_update
from planboard.core import permissions
from planboard.core.audit import history_diff
from planboard.core.exceptions import ConflictError
from planboard.core.progress import is_overdue
from planboard.core.views import refuse

PAGE_SIZE = 50
HISTORY_SHOWN = 20
# The timeline shows the newest updates; `?updates=all` shows every one.
UPDATES_SHOWN = 20
FIGURES_AFTER_A_CHANGE = {
    "recalculated": "the plan's figures have been recalculated.",
    "queued": "the plan's figures are queued for recalculation and change within a few seconds; "
    "those shown were computed before this update.",
    "waiting": "the plan's figures could not be queued for recalculation now; the next scheduled run "
    "recalculates them, and those shown were computed before this update.",
}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def read_filters(query) -> selectors.InitiativeFilters:
    """The list's filters from the query string; unknown values are ignored, not errors."""
    return selectors.InitiativeFilters(
        q=query.get("q", "").strip()[:200],
        department=_int_or_none(query.get("department")),
        theme=_int_or_none(query.get("theme")),
        term=query.get("term", "") if query.get("term") in ("short", "long") else "",
        health=query.get("health", "")
        if query.get("health") in ("on_track", "at_risk", "off_track", "completed", "none")
        else "",
        owner=_int_or_none(query.get("owner")),
        stale=query.get("stale", "") if query.get("stale") in ("yes", "no") else "",
        goal=_int_or_none(query.get("goal")),
        overdue=query.get("overdue", "") if query.get("overdue") in ("yes", "no") else "",
        report_state=query.get("report_state", "")
        if query.get("report_state") in dict(selectors.REPORT_STATE_CHOICES)
        else "",
    )


def initiative_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's initiatives, filtered by department, theme, term, health, owner, staleness, lateness,
    goal and text."""
    plan = plan_selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No plan by that name.")
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    today = timezone.localdate()
    filters = read_filters(request.GET)
    page = Paginator(selectors.initiative_list(plan, filters, today), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = mark_overdue(selectors.mark_stale(list(page.object_list), today), today)
    for row in rows:
        row.can_update = permissions.can_edit_initiative(request.user, row)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "plan": plan,
            "page": page,
            "rows": rows,
            "filters": filters,
            "choices": selectors.filter_choices(plan),
            "query": query.urlencode(),
            "filtered": any(vars(filters).values()),
            "nav": "initiatives",
        },
    )


def _page_context(
    request: HttpRequest,
    initiative: Initiative,
    form: StatusUpdateForm | None = None,
    conflict: dict | None = None,
    posted: str = "",
) -> dict:
    can_update = permissions.can_edit_initiative(request.user, initiative)
    everything = request.GET.get("updates") == "all"
    updates, update_count = selectors.initiative_timeline(initiative, None if everything else UPDATES_SHOWN)
    today = timezone.localdate()
    return {
        "initiative": initiative,
        "plan": initiative.plan,
        "can_update": can_update,
        "can_correct_closed": permissions.actor(request.user).is_admin,
        "form": form or (StatusUpdateForm.for_initiative(initiative) if can_update else None),
        "conflict": conflict,
        "posted": posted,
        "is_stale": selectors.is_stale(initiative, today),
        "is_overdue": is_overdue(status=initiative.status, target_date=initiative.target_date, today=today),
        "updates": updates,
        "update_count": update_count,
        "nav": "initiatives",
    }


def _load(request: HttpRequest, pk: int) -> Initiative:
    initiative = selectors.initiative_detail(pk)
    if initiative is None:
        raise Http404("No such initiative.")
    return initiative


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Details, computed health beside reported status, updates, milestones, objectives, audit history."""
    initiative = _load(request, pk)
    if not permissions.can_view_plan(request.user, initiative.plan):
        return refuse(request)
    context = _page_context(request, initiative)
    context["history"] = history_diff(initiative, limit=HISTORY_SHOWN)
    return render(request, "initiatives/initiative_detail.html", context)


def initiative_post(request: HttpRequest, pk: int) -> HttpResponse:
    """POST "Post an update": 403 for who may not; with htmx, the refreshed live part of the page."""
    if request.method != "POST":
        return redirect("initiative-detail", pk=pk)
    initiative = _load(request, pk)
    if not permissions.can_edit_initiative(request.user, initiative):
        raise PermissionDenied("You may not post updates for this initiative.")
    form = StatusUpdateForm(request.POST)
    conflict = None
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            initiative_post_update(initiative=initiative, author=request.user, **data)
        except ConflictError as error:
            conflict = selectors.initiative_changes_since(error.current, data["version"])
            # Keep everything the writer typed; only the version moves on, so posting again applies it.
            fresh = request.POST.copy()
            fresh["version"] = str(error.current.version)
            form = StatusUpdateForm(fresh)
            form.is_valid()
            status = 409
        except ValidationError as error:
            attach_errors(form, error)
        else:
            figures = FIGURES_AFTER_A_CHANGE[plan_recalculation_state(plan=initiative.plan)]
            message = f"Update posted (as of {data['as_of']:%Y-%m-%d}); {figures}"
            if not request.htmx:
                messages.success(request, message)
                return redirect("initiative-detail", pk=pk)
            return _posted(request, _load(request, pk), posted=message)
    initiative = _load(request, pk)
    if request.htmx:
        # htmx swaps only 2xx answers; the form with its errors (or the conflict) is the answer here,
        # with the rest of the page as it is now (someone else's update changed it).
        return _posted(request, initiative, form=form, conflict=conflict)
    context = _page_context(request, initiative, form=form, conflict=conflict)
    context["history"] = history_diff(initiative, limit=HISTORY_SHOWN)
    return render(request, "initiatives/initiative_detail.html", context, status=status)


def _posted(request: HttpRequest, initiative: Initiative, **parts) -> HttpResponse:
    """The htmx answer: the live part of the page, and its Details and history out of band."""
    context = _page_context(request, initiative, **parts)
    context["history"] = history_diff(initiative, limit=HISTORY_SHOWN)
    return render(request, "initiatives/_posted.html", context)
