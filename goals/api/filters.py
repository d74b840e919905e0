"""Filters for the plan's lists, named after the fields (`?plan=&goal=&objective=&status=&health=...`).

Related objects are filtered by id as plain numbers: an id the caller may not see simply matches
nothing (it is neither an error nor a hint that the object exists).
"""

import django_filters as filters
from django import forms

from goals.models import (
    BusinessDriver,
    Department,
    Goal,
    Health,
    Metric,
    MetricReading,
    Objective,
    Pillar,
    Plan,
    Term,
    Theme,
)


class IdFilter(filters.NumberFilter):
    """A whole number within the database's integer range; anything else is a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class HealthFilterSet(filters.FilterSet):
    health = filters.ChoiceFilter(choices=Health.choices, help_text="Computed health of the cached figure.")


class DepartmentFilter(filters.FilterSet):
    class Meta:
        model = Department
        fields = ["is_active"]


class PlanFilter(HealthFilterSet):
    department = IdFilter(field_name="department_id")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Plan
        fields = ["scope", "status", "is_published", "department", "parent", "health"]


class PlanPartFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")


class PillarFilter(PlanPartFilter):
    class Meta:
        model = Pillar
        fields = ["plan"]


class DriverFilter(PlanPartFilter):
    pillar = IdFilter(field_name="pillar_id")

    class Meta:
        model = BusinessDriver
        fields = ["plan", "pillar"]


class ThemeFilter(PlanPartFilter):
    class Meta:
        model = Theme
        fields = ["plan"]


class GoalFilter(HealthFilterSet, PlanPartFilter):
    class Meta:
        model = Goal
        fields = ["plan", "health"]


class ObjectiveFilter(HealthFilterSet):
    plan = IdFilter(field_name="goal__plan_id")
    goal = IdFilter(field_name="goal_id")
    term = filters.ChoiceFilter(choices=Term.choices)

    class Meta:
        model = Objective
        fields = ["plan", "goal", "term", "health"]


class MetricFilter(HealthFilterSet):
    plan = IdFilter(field_name="objective__goal__plan_id")
    goal = IdFilter(field_name="objective__goal_id")
    objective = IdFilter(field_name="objective_id")
    owner = IdFilter(field_name="owner_id")

    class Meta:
        model = Metric
        fields = ["plan", "goal", "objective", "owner", "direction", "frequency", "health"]


class ReadingFilter(filters.FilterSet):
    period_end_after = filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_before = filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = MetricReading
        fields = ["period_end_after", "period_end_before"]
