"""Filters for the plan's lists, named after the fields (`?plan=&goal=&objective=&status=&health=...`).

Related objects are filtered by id as plain numbers: an id the caller may not see simply matches
nothing (it is neither an error nor a hint that the object exists).
"""

import django_filters as filters

from goals.models import BusinessDriver, Department, Goal, Health, Metric, MetricReading, Objective, Pillar, Plan, Term, Theme


class HealthFilterSet(filters.FilterSet):
    health = filters.ChoiceFilter(choices=Health.choices, help_text="Computed health of the cached figure.")


class DepartmentFilter(filters.FilterSet):
    class Meta:
        model = Department
        fields = ["is_active"]


class PlanFilter(HealthFilterSet):
    department = filters.NumberFilter(field_name="department_id")
    parent = filters.NumberFilter(field_name="parent_id")

    class Meta:
        model = Plan
        fields = ["scope", "status", "is_published", "department", "parent", "health"]


class PlanPartFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")


class PillarFilter(PlanPartFilter):
    class Meta:
        model = Pillar
        fields = ["plan"]


class DriverFilter(PlanPartFilter):
    pillar = filters.NumberFilter(field_name="pillar_id")

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
    plan = filters.NumberFilter(field_name="goal__plan_id")
    goal = filters.NumberFilter(field_name="goal_id")
    term = filters.ChoiceFilter(choices=Term.choices)

    class Meta:
        model = Objective
        fields = ["plan", "goal", "term", "health"]


class MetricFilter(HealthFilterSet):
    plan = filters.NumberFilter(field_name="objective__goal__plan_id")
    goal = filters.NumberFilter(field_name="objective__goal_id")
    objective = filters.NumberFilter(field_name="objective_id")
    owner = filters.NumberFilter(field_name="owner_id")

    class Meta:
        model = Metric
        fields = ["plan", "goal", "objective", "owner", "direction", "frequency", "health"]


class ReadingFilter(filters.FilterSet):
    period_end_after = filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_before = filters.DateFilter(field_name="period_end", lookup_expr="lte")

    class Meta:
        model = MetricReading
        fields = ["period_end_after", "period_end_before"]
