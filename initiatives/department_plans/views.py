"""A department's IT plan in the browser: the department's page shows its plans, each objective
and initiative with the enterprise objectives it serves; its liaison (or the CIO) creates the
plan, adds goals, objectives and initiatives, and links each objective and initiative to the
enterprise objectives it serves, directly or through another objective of the same plan.

Who may: `permissions.can_create_plan` for a new plan, `permissions.can_edit_plan` for everything
in it (a department's liaison, that department only; administrators any). Every page checks it
first, so a forged POST for another department's plan is refused with 403 and stores nothing;
the services check again. Every write goes through the named services (`plan_create`,
`goal_create`, `objective_create`, `initiative_create`, `objective_update`, `initiative_update`),
which validate the fields and where a link may point, audit the change and mark the figures stale.

These pages live in `initiatives` because a department plan holds initiatives, and imports run
initiatives → goals.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goals import selectors as plan_selectors
from goals.forms import attach_errors
from goals.models import Department, Objective, Plan
from goals.services import goal_create, objective_create, objective_update, plan_create
from initiatives.alignment.rules import plan_alignment
from initiatives.department_plans import selectors
from initiatives.department_plans.forms import DepartmentPlanForm, GoalForm, InitiativeForm, LinksForm, ObjectiveForm
from initiatives.models import Initiative
from initiatives.services import initiative_create, initiative_update
from planboard.core import permissions
from planboard.core.exceptions import ConflictError
from planboard.core.views import refuse


def _refuse_change(request: HttpRequest, what: str) -> HttpResponse:
    """Anonymous visitors sign in first; signed-in users who may not change it get 403."""
    if not request.user.is_authenticated:
        return refuse(request)
    raise PermissionDenied(f"You may not change {what}.")


def _editable_plan(request: HttpRequest, slug: str) -> Plan | HttpResponse:
    """The department plan by slug, when the reader may edit it."""
    plan = plan_selectors.plan_by_slug(slug)
    if plan is None or plan.scope != Plan.Scope.DEPARTMENT:
        raise Http404("No department IT plan by that name.")
    if not permissions.can_edit_plan(request.user, plan):
        return _refuse_change(request, "this department's IT plan")
    return plan


def _posted(request: HttpRequest):
    """The posted data, or None on GET: an empty POST is still a POST, so it gets its errors."""
    return request.POST if request.method == "POST" else None


def _submit(form, write: Callable[[dict], Model]) -> tuple[Model | None, int]:
    """Validate `form` and hand its data to `write` (a service call); the saved row, or None and a status."""
    if not form.is_valid():
        return None, 400
    try:
        return write(form.cleaned_data), 200
    except ValidationError as error:
        attach_errors(form, error)
        return None, 400


# --- The plan ---------------------------------------------------------------------------------


def department_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A department's IT plan: each objective and initiative with the enterprise objectives it serves."""
    department = plan_selectors.department_by_slug(request.user, slug)
    if department is None:
        raise Http404("No such department.")
    plans = selectors.department_plans(request.user, department)
    chosen = next((p for p in plans if p.slug == request.GET.get("plan")), plans[0] if plans else None)
    if chosen is None and not request.user.is_authenticated and department.plans.exists():
        return refuse(request)
    return render(
        request,
        "initiatives/department_plans/department_detail.html",
        {
            "department": department,
            "plans": plans,
            "department_plan": chosen,
            "alignment": plan_alignment(chosen) if chosen else None,
            "can_edit": chosen is not None and permissions.can_edit_plan(request.user, chosen),
            "can_create": permissions.can_create_plan(request.user, scope=Plan.Scope.DEPARTMENT, department=department),
            "nav": "plans",
        },
    )


def department_plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Create the department's IT plan, aligned to the newest active enterprise plan."""
    department = plan_selectors.department_by_slug(request.user, slug)
    if department is None:
        raise Http404("No such department.")
    if not permissions.can_create_plan(request.user, scope=Plan.Scope.DEPARTMENT, department=department):
        return _refuse_change(request, f"{department.name}'s IT plans")
    parent = plan_selectors.plan_active_enterprise(request.user)
    form, status = None, 200
    if parent is not None:
        form = DepartmentPlanForm(_posted(request), initial=_plan_defaults(department, parent))
        if request.method == "POST":
            plan, status = _submit(
                form,
                lambda data: plan_create(
                    actor=request.user,
                    data={
                        **data,
                        "scope": Plan.Scope.DEPARTMENT,
                        "department": department,
                        "parent": parent,
                        "fiscal_year_start_month": parent.fiscal_year_start_month,
                    },
                ),
            )
            if plan is not None:
                messages.success(
                    request,
                    f"{plan.title} created. Add its goals, objectives and initiatives, "
                    "and link each to the enterprise objectives it serves.",
                )
                return redirect("department-plan-edit", slug=plan.slug)
    return render(
        request,
        "initiatives/department_plans/plan_form.html",
        {
            "department": department,
            "parent": parent,
            "form": form,
            "nav": "plans",
        },
        status=status,
    )


def _plan_defaults(department: Department, parent: Plan) -> dict:
    years = f"{parent.start_fiscal_year}-{parent.end_fiscal_year}"
    return {
        "title": f"{department.name} IT Plan FY{years}",
        "slug": f"{department.slug}-it-{years}"[:80],
        "start_fiscal_year": parent.start_fiscal_year,
        "end_fiscal_year": parent.end_fiscal_year,
    }


def department_plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's goals, objectives and initiatives with their links and alignment, and what to add."""
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    return render(
        request,
        "initiatives/department_plans/structure.html",
        {
            "department_plan": plan,
            **selectors.department_plan_structure(plan),
            "nav": "plans",
        },
    )


# --- Adding goals, objectives and initiatives ---------------------------------------------------


def goal_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    next_number = (plan.goals.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = GoalForm(_posted(request), initial={"number": next_number})
    status = 200
    if request.method == "POST":
        goal, status = _submit(form, lambda data: goal_create(actor=request.user, data={**data, "plan": plan}))
        if goal is not None:
            messages.success(request, f"Goal {goal.number} added.")
            return redirect("department-plan-edit", slug=plan.slug)
    return _item_page(request, plan, form, "Add a goal", status)


def objective_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    form = ObjectiveForm(_posted(request), plan=plan, initial={"goal": request.GET.get("goal")})
    status = 200
    if request.method == "POST":
        objective, status = _submit(
            form,
            lambda data: objective_create(
                actor=request.user,
                data={
                    **{k: v for k, v in data.items() if k != "aligned_to"},
                    "aligned_to": form.aligned_objectives(),
                },
            ),
        )
        if objective is not None:
            messages.success(request, f"Objective {objective.code} added.")
            return redirect("department-plan-edit", slug=plan.slug)
    return _item_page(request, plan, form, "Add an objective", status)


def initiative_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    form = InitiativeForm(_posted(request), plan=plan)
    status = 200
    if request.method == "POST":
        initiative, status = _submit(
            form,
            lambda data: initiative_create(
                actor=request.user,
                data={
                    **{k: v for k, v in data.items() if k != "aligned_to"},
                    "plan": plan,
                    "department": plan.department,
                    "aligned_to": form.aligned_objectives(),
                },
            ),
        )
        if initiative is not None:
            messages.success(request, f"Initiative {initiative.code} added.")
            return redirect("department-plan-edit", slug=plan.slug)
    return _item_page(request, plan, form, "Add an initiative", status)


def _item_page(
    request: HttpRequest, plan: Plan, form, heading: str, status: int, item: Model | None = None, conflict: str = ""
) -> HttpResponse:
    return render(
        request,
        "initiatives/department_plans/item_form.html",
        {
            "department_plan": plan,
            "form": form,
            "heading": heading,
            "item": item,
            "conflict": conflict,
            "nav": "plans",
        },
        status=status,
    )


# --- Links --------------------------------------------------------------------------------------


def objective_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit which objectives one of the plan's objectives is aligned to."""
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    objective = Objective.objects.select_related("goal__plan").filter(pk=pk, goal__plan=plan).first()
    if objective is None:
        raise Http404("This plan has no such objective.")
    return _links_page(request, plan, objective, objective_update, exclude=objective)


def initiative_links(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Edit which objectives one of the plan's initiatives is aligned to."""
    plan = _editable_plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    initiative = Initiative.objects.select_related("plan").filter(pk=pk, plan=plan).first()
    if initiative is None:
        raise Http404("This plan has no such initiative.")
    return _links_page(request, plan, initiative, initiative_update)


def _links_page(request: HttpRequest, plan: Plan, item: Model, update: Callable, exclude: Objective | None = None):
    initial = {"aligned_to": list(item.aligned_to.values_list("pk", flat=True)), "version": item.version}
    form = LinksForm(_posted(request), plan=plan, exclude=exclude, initial=initial)
    status, conflict = 200, ""
    if request.method == "POST" and form.is_valid():
        try:
            update(
                instance=item,
                actor=request.user,
                data={"aligned_to": form.aligned_objectives()},
                version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            # Keep what the writer ticked; the form now carries the newer version, so saving again applies it.
            conflict, status = str(error), 409
            fresh = request.POST.copy()
            fresh["version"] = str(error.current.version)
            form = LinksForm(fresh, plan=plan, exclude=exclude)
            form.is_valid()
        except ValidationError as error:
            attach_errors(form, error)
            status = 400
        else:
            messages.success(request, f"Links of {item.code} saved.")
            return redirect("department-plan-edit", slug=plan.slug)
    elif request.method == "POST":
        status = 400
    kind = item._meta.verbose_name
    return _item_page(request, plan, form, f"Links of {kind} {item.code}", status, item=item, conflict=conflict)
