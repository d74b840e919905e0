"""Closed reporting periods. A plan's periods are computed (planboard.core.periods); a row exists
only for a period that has been closed, by the CIO or by beat at its due date plus the plan's grace."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from goals.models.plans import Plan


class ReportingPeriod(models.Model):
    """A closed period of a plan: its updates and readings are read-only except a CIO correction."""

    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "plan_id"
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Last day of the period.")
    due_on = models.DateField()
    key = models.CharField(max_length=16, help_text="The period's key, for example FY2027-Q2 or 2026-11.")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_automatically = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "ends_on"],
                name="reporting_period_unique_end",
                violation_error_message="This period of the plan is already closed.",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="reporting_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.key} (closed)"

    @classmethod
    def closing(cls, plan: Plan, period, **fields) -> "ReportingPeriod":
        """An unsaved row closing `period` (a planboard.core.periods.Period) of `plan`."""
        return cls(
            plan=plan,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            due_on=period.due_on,
            key=period.key,
            **fields,
        )
