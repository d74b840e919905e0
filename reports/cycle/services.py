"""Closing a reporting period: `period_close` (the CIO, or beat through `periods_close_due`).

Closing stores the period's snapshot: every figure of the plan (plan, goals, objectives, metrics,
initiatives) computed from the updates that report for the period or an earlier one and the
readings of periods ending by its last day, with pace as of that day. The snapshot is the
ProgressSnapshot of the period's last day, marked with `period_ends_on`, so the trend charts and
the report card (which read snapshots by day) read it where it exists. Then the period is
read-only: goals.services.closed_period_allow refuses its updates and readings on every path,
except a CIO correction with a reason.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goals.models import MetricReading, Plan, ReportingPeriod
from goals.services import plan_mark_changed
from initiatives.models import StatusUpdate
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.changes import plans_changed
from planboard.core.periods import Period
from planboard.core.progress import compute_plan
from reports.models import ProgressSnapshot
from reports.recalculation import inputs_as_of, load_inputs, take_snapshots


def _reported_history(plan_id: int, period: Period) -> tuple[dict, dict]:
    """Updates by the period they report for (oldest first) and readings by period end, up to `period`."""
    updates: dict[int, list[tuple]] = defaultdict(list)
    for initiative_id, *row in (
        StatusUpdate.objects.filter(initiative__plan_id=plan_id, period_ends_on__lte=period.ends_on)
        .order_by("initiative_id", "period_ends_on", "as_of", "created_at")
        .values_list("initiative_id", "period_ends_on", "status", "percent_complete")
    ):
        updates[initiative_id].append(tuple(row))
    readings: dict[int, list[tuple]] = defaultdict(list)
    for metric_id, period_end, value in (
        MetricReading.objects.filter(metric__objective__goal__plan_id=plan_id, period_end__lte=period.ends_on)
        .order_by("metric_id", "period_end")
        .values_list("metric_id", "period_end", "value")
    ):
        readings[metric_id].append((period_end, value))
    return updates, readings


def period_snapshot(*, plan_id: int, period: Period) -> int:
    """Store the period's figures as the snapshot of its last day, marked as the period's; returns the rows."""
    inputs = load_inputs(plan_id)
    updates, readings = _reported_history(plan_id, period)
    figures = compute_plan(inputs_as_of(inputs, period.ends_on, updates, readings), period.ends_on)
    written = take_snapshots(plan_id, figures, period.ends_on)
    ProgressSnapshot.objects.filter(plan_id=plan_id, taken_on=period.ends_on).update(period_ends_on=period.ends_on)
    return written


def period_close(*, plan: Plan, period: Period, actor=None, today: datetime.date | None = None) -> ReportingPeriod:
    """Close `period` of `plan`: store its snapshot and make its updates and readings read-only.

    The CIO closes a period once it has ended (`actor`); beat (actor None) at its due date plus the
    plan's grace. Idempotent: closing a closed period returns its row and changes nothing.
    """
    if actor is not None and not permissions.can_close_period(actor, plan):
        raise PermissionDenied("Only the CIO may close a reporting period.")
    today = today or timezone.localdate()
    if period.ends_on >= today:
        raise ValidationError({"period": f"{period.label} has not ended yet; a period is closed after its last day."})
    if plan.period_from_key(period.key) != period:
        raise ValidationError({"period": f"{period.label} is not a reporting period of the plan “{plan}”."})
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one closing of a plan at a time
        existing = ReportingPeriod.objects.filter(plan=plan, ends_on=period.ends_on).first()
        if existing is not None:
            return existing
        plans_changed(plan.pk)  # the snapshot and the closed mark are this plan's data (the response cache)
        period_snapshot(plan_id=plan.pk, period=period)
        closed = ReportingPeriod.closing(
            plan,
            period,
            closed_at=timezone.now(),
            closed_by=actor if actor is not None and actor.is_authenticated else None,
            closed_automatically=actor is None,
        )
        reason = "Closed automatically at the due date plus grace" if actor is None else "Closed by the CIO"
        save_audited(closed, actor=actor, reason=f"{reason}: {period.label}")
        # A closed period is owed no more: the items' cached reporting figures move on to the next.
        plan_mark_changed(plan_id=plan.pk)
    return closed


def periods_due_to_close(plan: Plan, today: datetime.date) -> list[Period]:
    """The plan's periods, from its start, whose due date plus grace has passed and that are still open."""
    grace = datetime.timedelta(days=plan.reporting_grace_days)
    closed = set(ReportingPeriod.objects.filter(plan=plan).values_list("ends_on", flat=True))
    last_day = min(today, plan.ends_on)
    return [
        period
        for period in plan.reporting_calendar.between(plan.starts_on, last_day)
        if period.due_on + grace < today and period.ends_on not in closed
    ]


def periods_close_due(*, today: datetime.date | None = None) -> int:
    """Beat: close, in every plan that is not archived, the periods past their due date plus grace;
    returns how many were closed. Running it twice closes nothing the second time."""
    today = today or timezone.localdate()
    done = 0
    for plan in Plan.objects.exclude(status=Plan.Status.ARCHIVED).order_by("pk"):
        for period in periods_due_to_close(plan, today):
            period_close(plan=plan, period=period, today=today)
            done += 1
    return done
