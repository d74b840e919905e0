"""Plan pages: the list of plans, a goal's drill-down and a metric's page with "Add a reading".

Every page asks planboard.core.permissions; a POST by someone who may not change the item is
refused with 403 before anything is read from the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goals import selectors
from goals.forms import ReadingForm, attach_errors
from goals.services import metric_record_reading
from planboard.core import charts, permissions
from planboard.core.views import refuse


def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan the visitor may read; the public sees published plans only."""
    return render(request, "goals/plan_list.html", {"plans": selectors.plan_list(request.user), "nav": "plans"})


def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal → its objectives → their metrics and supporting initiatives."""
    goal = selectors.goal_detail(pk)
    if goal is None:
        raise Http404("No such goal.")
    if not permissions.can_view_plan(request.user, goal.plan):
        return refuse(request)
    return render(request, "goals/goal_detail.html", {"goal": goal, "plan": goal.plan, "nav": "dashboard"})


def metric_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A metric's readings (table and chart) and, for who may record them, "Add a reading"."""
    metric = selectors.metric_detail(pk)
    if metric is None:
        raise Http404("No such metric.")
    plan = metric.objective.goal.plan
    if not permissions.can_view_plan(request.user, plan):
        return refuse(request)
    can_record = permissions.can_edit_metric(request.user, metric)
    form = ReadingForm()
    status = 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("You may not record readings for this metric.")
        form = ReadingForm(request.POST)
        if form.is_valid():
            try:
                reading = metric_record_reading(metric=metric, entered_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                action = "corrected" if form.cleaned_data["correct"] else "recorded"
                messages.success(
                    request,
                    f"Reading for the period ending {reading.period_end:%Y-%m-%d} {action}; "
                    "the plan's figures have been recalculated.",
                )
                return redirect("metric-detail", pk=metric.pk)
        status = 400
    readings = list(metric.readings.all())
    chart = charts.trend_chart(
        readings=[(r.period_end, r.value) for r in readings],
        baseline=metric.baseline,
        baseline_date=metric.baseline_date,
        target=metric.target,
        target_date=metric.target_date,
        unit=metric.unit,
        title=f"{metric.name}: readings against baseline and target",
    )
    return render(
        request,
        "goals/metric_detail.html",
        {
            "metric": metric,
            "plan": plan,
            "objective": metric.objective,
            "goal": metric.objective.goal,
            "readings": list(reversed(readings)),
            "chart": chart,
            "form": form,
            "can_record": can_record,
            "nav": "dashboard",
        },
        status=status,
    )
