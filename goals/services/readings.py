"""Recording a metric's readings: `metric_record_reading`, one reading per period, which corrects an
earlier reading only when asked to (and audits the correction). The API, the metric pages, the
demo loader and the readings import all call it."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.models import Metric, MetricReading
from goals.services.recalculation import plan_mark_changed
from planboard.core import permissions
from planboard.core.audit import save_audited


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
            raise ValidationError(
                {
                    "period_end": f"This metric already has a reading for the period ending {period_end:%Y-%m-%d} "
                    f"({reading.value}); choose to correct it if the earlier figure was wrong."
                }
            )
        if reading is None:
            reading = MetricReading(metric=metric, period_end=period_end)
        reading.value = value
        reading.note = note
        reading.entered_by = entered_by
        save_audited(reading, actor=entered_by, reason="Reading corrected" if correct and reading.pk else "")
        plan_mark_changed(plan_id=metric.objective.goal.plan_id)
    return reading
