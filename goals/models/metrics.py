"""Metrics (baseline, target, direction, frequency) and their readings, one per period."""

import datetime
import numbers

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from goals.models.base import (
    NOT_AUDITED,
    REPORT_FIELDS,
    ProgressCache,
    ReportingCache,
    TrackedModel,
    duplicate_error,
    readable,
)
from goals.models.goals import Objective
from planboard.core.choices import Direction, Frequency


class Metric(TrackedModel, ProgressCache, ReportingCache):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "objective__goal__plan_id"
    Direction = Direction
    Frequency = Frequency

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=40, help_text="For example %, days, count, $")
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline = models.DecimalField(max_digits=16, decimal_places=4)
    baseline_date = models.DateField()
    target = models.DecimalField(max_digits=16, decimal_places=4)
    target_date = models.DateField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_metrics"
    )

    history = HistoricalRecords(excluded_fields=[*NOT_AUDITED, *REPORT_FIELDS])

    class Meta:
        ordering = ["objective", "name"]
        indexes = [models.Index(fields=["report_state"], name="metric_report_state")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(baseline=F("target")),
                name="metric_target_differs_from_baseline",
                violation_error_message="The target must differ from the baseline.",
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")),
                name="metric_target_after_baseline",
                violation_error_message="The target date must come after the baseline date.",
            ),
            models.CheckConstraint(
                condition=Q(direction="up", target__gt=F("baseline")) | Q(direction="down", target__lt=F("baseline")),
                name="metric_direction_matches_target",
                violation_error_message="The target must lie in the metric's direction from the baseline.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if readable(numbers.Number, self.baseline, self.target):
            if self.baseline == self.target:
                errors["target"] = "The target must differ from the baseline, or there is nothing to measure."
            elif self.direction == self.Direction.UP and self.target < self.baseline:
                errors["target"] = "Higher is better, so the target must be above the baseline."
            elif self.direction == self.Direction.DOWN and self.target > self.baseline:
                errors["target"] = "Lower is better, so the target must be below the baseline."
        if readable(datetime.date, self.baseline_date, self.target_date) and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must come after the baseline date."
        if errors:
            raise ValidationError(errors)


class MetricReading(TrackedModel):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "metric__objective__goal__plan_id"
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="readings")
    period_end = models.DateField(help_text="Last day of the period the reading covers.")
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="metric_readings"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["metric", "period_end"]
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_end"],
                name="reading_unique_period",
                violation_error_message="This metric already has a reading for that period.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value} ({self.period_end})"

    def clean(self) -> None:
        if not isinstance(self.period_end, datetime.date):
            return  # missing or unreadable: the field itself reports it
        errors = duplicate_error(
            self,
            "period_end",
            f"This metric already has a reading for the period ending {self.period_end:%Y-%m-%d}; "
            "correct that reading instead of adding another.",
            metric_id=self.metric_id,
            period_end=self.period_end,
        )
        if errors:
            raise ValidationError(errors)
