"""API representations of the plan: departments, plans, pillars, drivers, themes, goals, objectives,
metrics and readings.

Field rules (lengths, ranges, choices, patterns) come from the models; cross-field rules and
duplicates are checked by the model's `clean()` inside the service, so every interface reports
them the same way, against the field. Cached figures, ids, times and `version` are read-only:
sending them changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from rest_framework import serializers

from goals import visibility as goals_visible
from goals.models import BusinessDriver, Department, Goal, Metric, MetricReading, Objective, Pillar, Plan, Theme
from planboard.core.api import (
    PROGRESS_FIELDS,
    REPORTING_FIELDS,
    ProgressSerializer,
    ReportingSerializer,
    VersionedSerializer,
    VisibleKey,
)

TRACKING_FIELDS = ["id", "version", "created_at", "updated_at"]


def active_people(_user) -> QuerySet:
    """People who may own a metric or an initiative: any active account."""
    return get_user_model().objects.filter(is_active=True)


class PlanSerializer(ProgressSerializer):
    department = VisibleKey(
        Department,
        goals_visible.visible_departments,
        allow_null=True,
        required=False,
        help_text="The department that owns a department IT plan; null for an enterprise plan.",
    )
    parent = VisibleKey(
        Plan,
        goals_visible.visible_plans,
        allow_null=True,
        required=False,
        help_text="The enterprise plan a department plan aligns to.",
    )

    needs_recalculation = serializers.BooleanField(
        read_only=True, help_text="Plan data changed after the figures were last computed; a recalculation is due."
    )

    class Meta:
        model = Plan
        fields = [
            *TRACKING_FIELDS,
            "title",
            "slug",
            "scope",
            "department",
            "parent",
            "vision",
            "mission",
            "start_fiscal_year",
            "end_fiscal_year",
            "fiscal_year_start_month",
            "status",
            "is_published",
            "is_sample",
            "metric_share",
            "update_cadence_days",
            "reporting_cadence",
            "reporting_due_days",
            "reporting_grace_days",
            "needs_recalculation",
            *PROGRESS_FIELDS,
        ]


class DepartmentSerializer(VersionedSerializer):
    class Meta:
        model = Department
        fields = [*TRACKING_FIELDS, "name", "slug", "is_active"]


PLAN_PART_FIELDS = [*TRACKING_FIELDS, "plan", "name", "description", "order"]


class PillarSerializer(VersionedSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)

    class Meta:
        model = Pillar
        fields = [*PLAN_PART_FIELDS, "weight"]


class DriverSerializer(VersionedSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)
    pillar = VisibleKey(Pillar, goals_visible.visible_pillars, allow_null=True, required=False)

    class Meta:
        model = BusinessDriver
        fields = [*PLAN_PART_FIELDS, "pillar", "weight"]


class ThemeSerializer(VersionedSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)

    class Meta:
        model = Theme
        fields = PLAN_PART_FIELDS


class GoalSerializer(ProgressSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)

    class Meta:
        model = Goal
        fields = [*TRACKING_FIELDS, "plan", "number", "title", "description", "weight", *PROGRESS_FIELDS]


class ObjectiveSerializer(ProgressSerializer):
    goal = VisibleKey(Goal, goals_visible.visible_goals)
    plan = serializers.IntegerField(source="goal.plan_id", read_only=True)
    aligned_to = VisibleKey(
        Objective,
        goals_visible.visible_objectives,
        many=True,
        required=False,
        help_text="Objectives of the enterprise plan (or of its own plan) this objective serves.",
    )

    class Meta:
        model = Objective
        fields = [
            *TRACKING_FIELDS,
            "goal",
            "plan",
            "code",
            "title",
            "description",
            "term",
            "weight",
            "aligned_to",
            *PROGRESS_FIELDS,
        ]


class MetricSerializer(ReportingSerializer, ProgressSerializer):
    objective = VisibleKey(Objective, goals_visible.visible_objectives)
    owner = VisibleKey(get_user_model(), active_people, allow_null=True, required=False)

    class Meta:
        model = Metric
        fields = [
            *TRACKING_FIELDS,
            "objective",
            "name",
            "description",
            "unit",
            "direction",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "frequency",
            "owner",
            *PROGRESS_FIELDS,
            *REPORTING_FIELDS,
        ]


class ReadingSerializer(serializers.ModelSerializer):
    """A metric's value for a period. Posting a second reading for a period is refused unless `correct` is true."""

    correct = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Replace the reading already recorded for this period (the correction is audited).",
    )
    correction_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The CIO's reason for changing a reading of a closed reporting period (audited).",
    )

    class Meta:
        model = MetricReading
        fields = [
            "id",
            "metric",
            "period_end",
            "value",
            "note",
            "entered_by",
            "version",
            "created_at",
            "correct",
            "correction_reason",
        ]
        read_only_fields = ["metric", "entered_by", "version"]
        validators = []  # one reading per period: the service reports it against period_end
