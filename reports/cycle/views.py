"""The CIO's "Close this period" page: GET shows what closing does and asks to confirm; only a
POST closes (reports.cycle.services.period_close)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from goals import visibility as goals_visible
from goals.selectors import reporting_period_closed
from planboard.core import permissions
from reports.cycle.services import period_close


@login_required
@require_http_methods(["GET", "POST"])
def period_close_page(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    plan = get_object_or_404(goals_visible.visible_plans(request.user), slug=slug)
    if not permissions.can_close_period(request.user, plan):
        raise PermissionDenied("Only the CIO may close a reporting period.")
    try:
        period = plan.period_from_key(key)
    except ValueError as error:
        raise Http404(str(error)) from None
    error = None
    if request.method == "POST":
        try:
            period_close(plan=plan, period=period, actor=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{period.label} is closed: its updates and readings are now read-only.")
            return redirect("period-close", slug=plan.slug, key=period.key)
    context = {
        "plan": plan,
        "period": period,
        "closed": reporting_period_closed(plan=plan, ends_on=period.ends_on),
        "has_ended": period.ends_on < timezone.localdate(),
        "error": error,
        "nav": "plans",
    }
    return render(request, "reports/cycle/period_close.html", context, status=400 if error else 200)
