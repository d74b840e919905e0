"""Goals and their objectives (short or long term, weighted, aligned to enterprise objectives)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from goals.models.base import NOT_AUDITED, ProgressCache, TrackedModel, code_validator, duplicate_error, non_negative
from goals.models.plans import Plan
from planboard.core.choices import Term
from planboard.core.limits import long_text


class Goal(TrackedModel, ProgressCache):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "plan_id"
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1, "Goal numbers start at 1.")])
    title = models.CharField(max_length=200)
    description = long_text(blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])

    history = HistoricalRecords(excluded_fields=NOT_AUDITED)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="goal_unique_number",
                violation_error_message="This plan already has a goal with that number.",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="goal_weight_non_negative"),
            models.CheckConstraint(condition=Q(number__gte=1), name="goal_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Goal {self.number}: {self.title}"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "number",
            f"This plan already has a goal numbered {self.number}; choose another number.",
            plan_id=self.plan_id,
            number=self.number,
        )
        if errors:
            raise ValidationError(errors)


class Objective(TrackedModel, ProgressCache):
    # Plan data (planboard.core.changes): the lookup from a row to its plan's id.
    plan_path = "goal__plan_id"
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20, validators=[code_validator], help_text="For example 2.3")
    title = models.CharField(max_length=300)
    description = long_text(blank=True)
    term = models.CharField(max_length=8, choices=Term.choices, default=Term.SHORT)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"), validators=[non_negative])
    aligned_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="aligned_from",
        help_text="For a department plan's objective: the objectives it serves, in the enterprise plan "
        "(direct) or in its own department plan (indirect, through that objective's links).",
    )

    history = HistoricalRecords(excluded_fields=NOT_AUDITED, m2m_fields=[aligned_to])

    class Meta:
        ordering = ["goal__plan", "goal__number", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "code"],
                name="objective_unique_code",
                violation_error_message="This goal already has an objective with that code.",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="objective_weight_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        errors = duplicate_error(
            self,
            "code",
            f"This goal already has an objective coded {self.code}; choose another code.",
            goal_id=self.goal_id,
            code=self.code,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def plan(self) -> Plan:
        return self.goal.plan
