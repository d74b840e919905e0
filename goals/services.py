"""Writes to plan data. Each runs in one transaction, records an audit entry, and asks for the
plan's figures to be recalculated once the transaction has committed."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.models import Metric, MetricReading, Plan
from goals.signals import plan_changed
from planboard import permissions
from planboard.audit import save_audited


def plan_mark_changed(*, plan_id: int) -> None:
    """Mark the plan's cached figures out of date and, after commit, announce the change.

    The dirty flag is written inside the caller's transaction, so if the recalculation cannot be
    queued (broker down) the next scheduled run still finds the plan and catches up.
    """
    newly_dirty = Plan.objects.filter(pk=plan_id, needs_recalculation=False).update(needs_recalculation=True)
    # Already dirty means a recalculation is pending (queued, or due from the catch-up run):
    # queueing another would only repeat it. This is what bounds a burst of updates.
    if newly_dirty:
        transaction.on_commit(lambda: plan_changed.send(sender=Plan, plan_id=plan_id))


def metric_record_reading(
    *,
    metric: Metric,
    entered_by,
    period_end: datetime.date,
    value: Decimal,
    note: str = "",
    correct: bool = False,
) -> MetricReading:
    """Record a metric's value for the period ending `period_end`.

    One reading per period: a second one for the same period is refused unless `correct` is
    set, in which case the existing reading is corrected (and the correction audited).
    """
    if not permissions.can_edit_metric(entered_by, metric):
        raise PermissionDenied("You may not record readings for this metric.")
    with transaction.atomic():
        reading = MetricReading.objects.select_for_update().filter(metric=metric, period_end=period_end).first()
        if reading is not None and not correct:
            raise ValidationError({
                "period_end": f"This metric already has a reading for the period ending {period_end:%Y-%m-%d} "
                f"({reading.value}); choose to correct it if the earlier figure was wrong."
            })
        if reading is None:
            reading = MetricReading(metric=metric, period_end=period_end)
        reading.value = value
        reading.note = note
        reading.entered_by = entered_by
        save_audited(reading, actor=entered_by, reason="Reading corrected" if correct and reading.pk else "")
        plan_mark_changed(plan_id=metric.objective.goal.plan_id)
    return reading
