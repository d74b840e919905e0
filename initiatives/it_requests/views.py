"""The spend gate in the browser: the IT request register, one request, filing and deciding.

The register lists the requests weighed against an enterprise plan that the reader may see
(filters: state, department, fiscal year), with totals per department and per enterprise goal,
and downloads as CSV or XLSX (`?format=csv|xlsx`, same rows as the page). A request tied to two
goals counts in each goal's total; the grand total counts it once. Every write goes through
initiatives.it_requests.services, which checks permission, state and version.
"""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goals import selectors
from goals import visibility as goals_visible
from goals.models import Department, Plan
from initiatives import visibility as initiatives_visible
from initiatives.it_requests import services as it_requests
from initiatives.it_requests.forms import FileRequestForm
from initiatives.it_requests.rules import request_tie
from initiatives.it_requests.selectors import it_request_register_data
from initiatives.models import ITRequest
from planboard.core import permissions
from planboard.core.audit import history_diff
from planboard.core.exceptions import ConflictError
from planboard.core.views import refuse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _enterprise_plan(request: HttpRequest, slug: str) -> Plan:
    plan = selectors.plan_by_slug(slug)
    if plan is None or plan.scope != Plan.Scope.ENTERPRISE:
        raise Http404("No enterprise plan by that name.")
    return plan


def it_request_register(request: HttpRequest, slug: str) -> HttpResponse:
    """The register of an enterprise plan's IT requests; `?format=csv|xlsx` downloads it."""
    plan = _enterprise_plan(request, slug)
    if not permissions.can_view_plan(request.user, plan) or permissions.actor(request.user).is_anonymous:
        return refuse(request)
    data = it_request_register_data(plan, request.user, request.GET)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(plan, data["rows"], export)
    who = permissions.actor(request.user)
    return render(
        request,
        "initiatives/it_requests/register.html",
        {
            **data,
            "plan": plan,
            "states": ITRequest.State.choices,
            "nav": "it-requests",
            "departments": goals_visible.visible_departments(request.user).order_by("name"),
            "may_file": who.is_admin or bool(who.liaison_department_ids),
        },
    )


EXPORT_HEADER = [
    "id",
    "fiscal year",
    "department",
    "title",
    "amount",
    "state",
    "tie",
    "enterprise objectives",
    "CIO exception",
    "requested by",
    "submitted at",
    "decided at",
]


def _export_rows(rows: list[ITRequest]):
    for row in rows:
        tie = row.tie
        objectives = [o.code for o in tie.direct] + [f"{o.code} (through {via.code})" for o, via in tie.indirect]
        yield [
            row.pk,
            row.fiscal_year,
            row.department.name,
            _safe(row.title),
            row.amount,
            row.get_state_display(),
            "direct" if tie.direct else "indirect" if tie.indirect else "none",
            ", ".join(objectives),
            _safe(row.exception_reason),
            row.requested_by.get_username() if row.requested_by else "",
            row.submitted_at.isoformat() if row.submitted_at else "",
            row.decided_at.isoformat() if row.decided_at else "",
        ]


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _export(plan: Plan, rows: list[ITRequest], kind: str) -> HttpResponse:
    name = f"{plan.slug}-it-requests.{kind}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(_export_rows(rows))
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("IT requests")
        sheet.append(EXPORT_HEADER)
        for values in _export_rows(rows):
            sheet.append(values)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- One request: read, file, act -----------------------------------------------------------------


def _visible_request(request: HttpRequest, pk: int) -> ITRequest:
    found = (
        initiatives_visible.visible_it_requests(request.user)
        .select_related("department", "plan", "requested_by", "decided_by", "exception_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such IT request.")
    return found


def it_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A request with its tie to the plan, the actions the reader may take, and its audit history."""
    if not request.user.is_authenticated:
        return refuse(request)
    it_request = _visible_request(request, pk)
    return render(
        request,
        "initiatives/it_requests/detail.html",
        {
            "it_request": it_request,
            "plan": it_request.plan,
            "tie": request_tie(it_request),
            "may": {
                action: it_requests.may_act(request.user, it_request, action) for action in it_requests.TRANSITIONS
            },
            "history": history_diff(it_request)[:20],
            "nav": "it-requests",
        },
    )


def it_request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST submit / approve / reject / exception: refused (403) for who may not, errors shown on the page."""
    if request.method != "POST":
        return redirect("it-request-detail", pk=pk)
    if action not in it_requests.TRANSITIONS:
        raise Http404("No such action.")
    if not request.user.is_authenticated:
        return refuse(request)
    it_request = _visible_request(request, pk)
    if not it_requests.may_act(request.user, it_request, action):
        raise PermissionDenied("You may not do that to this IT request.")
    version = request.POST.get("version", "")
    kwargs = {"request": it_request, "actor": request.user, "version": int(version) if version.isdigit() else 0}
    if action in ("reject", "exception"):
        kwargs["reason"] = request.POST.get("reason", "")[:2000]
    try:
        it_requests.TRANSITIONS[action](**kwargs)
    except ConflictError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                messages.error(request, f"{field.replace('_', ' ').capitalize()}: {problem}")
    else:
        messages.success(
            request,
            {
                "submit": "Submitted for the CIO's decision.",
                "approve": "Approved.",
                "reject": "Rejected.",
                "exception": "CIO exception recorded.",
            }[action],
        )
    return redirect("it-request-detail", pk=pk)


def it_request_new(request: HttpRequest, slug: str) -> HttpResponse:
    """File a draft request against an enterprise plan: the department's liaisons and the CIO."""
    plan = _enterprise_plan(request, slug)
    if not request.user.is_authenticated:
        return refuse(request)
    who = permissions.actor(request.user)
    departments = Department.objects.filter(is_active=True)
    if not who.is_admin:
        departments = departments.filter(pk__in=who.liaison_department_ids)
    if not departments.exists():
        raise PermissionDenied("Only a department's liaison files its IT requests.")
    from goals.models import Objective

    objectives = list(
        Objective.objects.filter(goal__plan__in=[plan, *Plan.objects.filter(parent=plan, department__in=departments)])
        .select_related("goal__plan")
        .order_by("goal__plan__scope", "goal__plan__title", "goal__number", "code")
    )
    form = FileRequestForm(request.POST or None)
    form.fields["department"].queryset = departments.order_by("name")
    form.fields["objectives"].choices = [(str(o.pk), f"{o.code} {o.title} — {o.goal.plan.title}") for o in objectives]
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "plan": plan}
        chosen = {str(pk) for pk in data.pop("objectives")}
        data["objectives"] = [o for o in objectives if str(o.pk) in chosen]
        try:
            filed = it_requests.it_request_file(actor=request.user, data=data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "Draft filed. Submit it when it is ready for the CIO.")
            return redirect("it-request-detail", pk=filed.pk)
    return render(
        request,
        "initiatives/it_requests/form.html",
        {"form": form, "plan": plan, "nav": "it-requests"},
        status=400 if request.method == "POST" else 200,
    )
