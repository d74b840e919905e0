"""The rows of the plan's structure a user may read, as querysets: the rule is
planboard.core.permissions.readable, applied here to each model of goals."""

from django.db.models import QuerySet

from goals.models import BusinessDriver, Department, Goal, Metric, MetricReading, Objective, Pillar, Plan, Theme
from planboard.core import permissions


def visible_plans(user) -> QuerySet[Plan]:
    return permissions.readable(Plan.objects.all(), user)


def visible_pillars(user) -> QuerySet[Pillar]:
    return permissions.readable(Pillar.objects.all(), user, "plan__")


def visible_drivers(user) -> QuerySet[BusinessDriver]:
    return permissions.readable(BusinessDriver.objects.all(), user, "plan__")


def visible_themes(user) -> QuerySet[Theme]:
    return permissions.readable(Theme.objects.all(), user, "plan__")


def visible_goals(user) -> QuerySet[Goal]:
    return permissions.readable(Goal.objects.all(), user, "plan__")


def visible_objectives(user) -> QuerySet[Objective]:
    return permissions.readable(Objective.objects.all(), user, "goal__plan__")


def visible_metrics(user) -> QuerySet[Metric]:
    return permissions.readable(Metric.objects.all(), user, "objective__goal__plan__")


def visible_readings(user) -> QuerySet[MetricReading]:
    return permissions.readable(MetricReading.objects.all(), user, "metric__objective__goal__plan__")


def visible_departments(user) -> QuerySet[Department]:
    return permissions.readable_departments(Department.objects.all(), user)
