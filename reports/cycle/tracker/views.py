"""`/plans/<slug>/reporting/` (cycle:tracker): who has reported for a period of the plan, by
department and by owner; `/plans/<slug>/reporting/remind/` (cycle:tracker_remind, POST): send a
reminder now to an owner, or to the owners of a department who have not reported."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from goals import selectors as plan_selectors
from goals.selectors import closed_period_ends
from planboard.core import permissions
from planboard.core.views import refuse
from reports.cycle.tracker.remind import tracker_remind
from reports.cycle.tracker.rows import tracker_page

PERIODS_OFFERED = 24  # the current period and the 23 before it, in the picker


def _plan(request: HttpRequest, slug: str):
    plan = plan_selectors.plan_by_slug(slug)
    if plan is None:
        raise Http404("No plan by that name.")
    return plan


def _periods(plan, today) -> list:
    """The periods the picker offers: the current one (what is owed now) first, then earlier ones."""
    current = plan.reporting_period_owed(today)
    periods = plan.reporting_calendar.between(min(plan.starts_on, current.starts_on), current.ends_on)
    return list(reversed(periods))[:PERIODS_OFFERED] or [current]


def _chosen(request: HttpRequest, plan, periods: list):
    key = request.GET.get("period") or request.POST.get("period")
    if not key:
        return periods[0]
    try:
        return plan.period_from_key(key)
    except ValueError:
        raise Http404("No such reporting period.") from None


def tracker(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    if not permissions.can_track_reporting(request.user, plan):
        return refuse(request)
    today = timezone.localdate()
    periods = _periods(plan, today)
    period = _chosen(request, plan, periods)
    closed = closed_period_ends(plan)
    context = {
        "plan": plan,
        "period": period,
        "periods": [(option, option.ends_on in closed) for option in periods],
        "is_closed": period.ends_on in closed,
        "is_current": period.key == periods[0].key,
        "page": tracker_page(plan=plan, period=period, today=today),
        "rate_limit_minutes": settings.REMINDER_SEND_NOW_INTERVAL_MINUTES,
        "today": today,
        "nav": "reporting",
    }
    return render(request, "cycle/tracker.html", context)


@require_POST
def tracker_remind_now(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    if not permissions.can_track_reporting(request.user, plan):
        return refuse(request)
    today = timezone.localdate()
    period = _chosen(request, plan, _periods(plan, today))
    key = request.POST.get("who", "")
    page = tracker_page(plan=plan, period=period, today=today)
    row = next((row for row in [*page.departments, *page.owners] if row.key == key), None)
    back = redirect(f"{request.path.removesuffix('remind/')}?period={period.key}")
    if row is None or not row.remind_ids:
        messages.info(request, "Nobody there has anything left to report for this period: no reminder sent.")
        return back
    try:
        delivery = tracker_remind(actor=request.user, plan=plan, period=period, user_ids=row.remind_ids)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return back
    if delivery.reached:
        messages.success(request, f"Reminder sent to {', '.join(person.name for person in delivery.reached)}.")
    for person, why in [*delivery.skipped, *delivery.failed]:
        messages.warning(request, f"Not sent to {person.name}: {why}.")
    return back
