"""Recording a metric's readings: `metric_record_reading`, one reading per period, which corrects an
earlier reading only when asked to (and audits the correction), and `reading_delete`. The API, the
metric pages, the admin, the demo loader and the readings import all call them."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.models import Metric, MetricReading
from goals.services.periods import closed_period, closed_period_allow
from goals.services.recalculation import plan_mark_changed
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.exceptions import ConflictError


def metric_record_reading(
    *,
    metric: Metric,
    entered_by,
    period_end: datetime.date,
    value: Decimal,
    note: str = "",
    correct: bool = False,
    version: int | None = None,
    reason: str = "",
    correction_reason: str = "",
) -> MetricReading:
    """Record a metric's value for the period ending `period_end`.

    A reading within a closed reporting period of the plan is refused (PeriodClosed on
    `period_end`), unless the CIO gives `correction_reason`, which the audit entry records.

    One reading per period: a second one for the same period is refused unless `correct` is
    set, in which case the existing reading is corrected (and the correction audited, with
    `reason` or "Reading corrected"). A correction given the `version` the writer saw raises
    ConflictError, changing nothing, when the reading has changed since.
    """
    if not permissions.can_edit_metric(entered_by, metric):
        raise PermissionDenied("You may not record readings for this metric.")
    plan_id = metric.objective.goal.plan_id
    correction = closed_period_allow(
        closed=closed_period(plan_id=plan_id, day=period_end),
        actor=entered_by,
        correction_reason=correction_reason,
        field="period_end",
        what="its readings",
    )
    with transaction.atomic():
        reading = MetricReading.objects.select_for_update().filter(metric=metric, period_end=period_end).first()
        if reading is not None and not correct:
            raise ValidationError(
                {
                    "period_end": f"This metric already has a reading for the period ending {period_end:%Y-%m-%d} "
                    f"({reading.value}); choose to correct it if the earlier figure was wrong."
                }
            )
        if reading is not None and version is not None and reading.version != version:
            raise ConflictError(reading)
        if reading is None:
            reading = MetricReading(metric=metric, period_end=period_end)
        reading.value = value
        reading.note = note
        reading.entered_by = entered_by
        corrected = correct and reading.pk is not None
        audit_reason = (reason or "Reading corrected") if corrected else reason
        if correction:
            audit_reason = f"{audit_reason}. {correction}" if audit_reason else correction
        save_audited(reading, actor=entered_by, reason=audit_reason)
        plan_mark_changed(plan_id=plan_id)
    return reading


def reading_delete(
    *, instance: MetricReading, actor, version: int | None = None, reason: str = "", correction_reason: str = ""
) -> None:
    """Delete a reading (whoever may record the metric's readings), provided nobody changed it
    since `version` when one is given; audited, and the plan's figures marked out of date. A
    reading of a closed period is kept unless the CIO gives `correction_reason`."""
    if not permissions.can_edit_metric(actor, instance.metric):
        raise PermissionDenied("You may not delete readings of this metric.")
    correction = closed_period_allow(
        closed=closed_period(plan_id=instance.metric.objective.goal.plan_id, day=instance.period_end),
        actor=actor,
        correction_reason=correction_reason,
        field="period_end",
        what="its readings",
    )
    reason = f"{reason}. {correction}" if reason and correction else (reason or correction)
    with transaction.atomic():
        current = MetricReading.objects.select_for_update().get(pk=instance.pk)
        if version is not None and current.version != version:
            raise ConflictError(current)
        if actor is not None and actor.is_authenticated:
            current._history_user = actor
        if reason:
            current._change_reason = reason
        current.delete()
        plan_mark_changed(plan_id=instance.metric.objective.goal.plan_id)
