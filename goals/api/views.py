"""API views for the plan: departments, plans, pillars, drivers, themes, goals, objectives, metrics
and a metric's readings.

Reads: each list is the caller's `visible_*` queryset from planboard.core.permissions, with the related
rows the serializer needs fetched alongside (a fixed number of queries whatever the page size).
Lists with `cache_per_plan` show, filtered by `?plan=`, that plan's data only, so their cached
answers outlive other plans' changes (planboard.api_cache.responses.CachedListMixin).
Writes: each model's named services in goals.services (`goal_create`, `goal_update`,
`goal_delete`, ...: versioned, audited, recalculation queued) and, for readings,
goals.services.metric_record_reading.
"""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.generics import get_object_or_404

from goals import services
from goals import visibility as goals_visible
from goals.api import filters
from goals.api.serializers import (
    DepartmentSerializer,
    DriverSerializer,
    GoalSerializer,
    MetricSerializer,
    ObjectiveSerializer,
    PillarSerializer,
    PlanSerializer,
    ReadingSerializer,
    ThemeSerializer,
)
from goals.models import Metric, Objective, Plan
from planboard.api_cache.responses import CachedListMixin
from planboard.core.api import VersionedWriteMixin

PROGRESS_ORDERING = ["progress", "pace", "health"]


class PlanDataViewSet(CachedListMixin, VersionedWriteMixin, viewsets.ModelViewSet):
    """Plan structure; each viewset names its model's rules and three services (goals.services)."""


class DepartmentViewSet(PlanDataViewSet):
    """City departments. Everyone reads the active ones; administrators change them."""

    rules = services.DEPARTMENT_RULES
    create_service = staticmethod(services.department_create)
    update_service = staticmethod(services.department_update)
    delete_service = staticmethod(services.department_delete)
    serializer_class = DepartmentSerializer
    visible = goals_visible.visible_departments
    filterset_class = filters.DepartmentFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "slug"]


class PlanViewSet(PlanDataViewSet):
    """Enterprise and department IT plans, with their cached progress figures."""

    rules = services.PLAN_RULES
    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    delete_service = staticmethod(services.plan_delete)
    serializer_class = PlanSerializer
    visible = goals_visible.visible_plans
    filterset_class = filters.PlanFilter
    search_fields = ["title", "slug", "vision", "mission"]
    ordering_fields = ["title", "start_fiscal_year", "end_fiscal_year", "status", *PROGRESS_ORDERING]

    def optimize(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(has_pending_changes=Plan.pending_changes())


class PillarViewSet(PlanDataViewSet):
    """Pillars (guiding principles) of a plan."""

    cache_per_plan = True
    rules = services.PILLAR_RULES
    create_service = staticmethod(services.pillar_create)
    update_service = staticmethod(services.pillar_update)
    delete_service = staticmethod(services.pillar_delete)
    serializer_class = PillarSerializer
    visible = goals_visible.visible_pillars
    filterset_class = filters.PillarFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "order", "weight"]


class DriverViewSet(PlanDataViewSet):
    """Business drivers of a plan."""

    cache_per_plan = True
    rules = services.DRIVER_RULES
    create_service = staticmethod(services.driver_create)
    update_service = staticmethod(services.driver_update)
    delete_service = staticmethod(services.driver_delete)
    serializer_class = DriverSerializer
    visible = goals_visible.visible_drivers
    filterset_class = filters.DriverFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "order", "weight"]


class ThemeViewSet(PlanDataViewSet):
    """Thematic categories of a plan's initiatives."""

    cache_per_plan = True
    rules = services.THEME_RULES
    create_service = staticmethod(services.theme_create)
    update_service = staticmethod(services.theme_update)
    delete_service = staticmethod(services.theme_delete)
    serializer_class = ThemeSerializer
    visible = goals_visible.visible_themes
    filterset_class = filters.ThemeFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "order"]


class GoalViewSet(PlanDataViewSet):
    """Goals of a plan."""

    cache_per_plan = True
    rules = services.GOAL_RULES
    create_service = staticmethod(services.goal_create)
    update_service = staticmethod(services.goal_update)
    delete_service = staticmethod(services.goal_delete)
    serializer_class = GoalSerializer
    visible = goals_visible.visible_goals
    filterset_class = filters.GoalFilter
    search_fields = ["title", "description"]
    ordering_fields = ["number", "title", "weight", *PROGRESS_ORDERING]


class ObjectiveViewSet(PlanDataViewSet):
    """Objectives of a goal, and the objectives they align to."""

    cache_per_plan = True
    rules = services.OBJECTIVE_RULES
    create_service = staticmethod(services.objective_create)
    update_service = staticmethod(services.objective_update)
    delete_service = staticmethod(services.objective_delete)
    serializer_class = ObjectiveSerializer
    visible = goals_visible.visible_objectives
    filterset_class = filters.ObjectiveFilter
    search_fields = ["code", "title", "description"]
    ordering_fields = ["code", "title", "term", "weight", *PROGRESS_ORDERING]

    def optimize(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("goal").prefetch_related(
            Prefetch("aligned_to", queryset=Objective.objects.only("id"))
        )


class MetricViewSet(PlanDataViewSet):
    """Metrics of an objective: baseline, target and the cached attainment."""

    cache_per_plan = True
    rules = services.METRIC_RULES
    create_service = staticmethod(services.metric_create)
    update_service = staticmethod(services.metric_update)
    delete_service = staticmethod(services.metric_delete)
    serializer_class = MetricSerializer
    visible = goals_visible.visible_metrics
    filterset_class = filters.MetricFilter
    search_fields = ["name", "description", "unit"]
    ordering_fields = ["name", "baseline_date", "target_date", *PROGRESS_ORDERING]


METRIC_ID = OpenApiParameter("metric_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The metric's id.")


@extend_schema_view(list=extend_schema(parameters=[METRIC_ID]), create=extend_schema(parameters=[METRIC_ID]))
class ReadingViewSet(CachedListMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """A metric's readings, oldest first. Posting records one through goals.services.metric_record_reading
    (the metric's owner or whoever may edit its plan); a second reading for a period needs `correct`."""

    serializer_class = ReadingSerializer
    filterset_class = filters.ReadingFilter
    search_fields = ["note"]
    ordering_fields = ["period_end", "value"]

    def metric(self) -> Metric:
        if not hasattr(self, "_metric"):
            metrics = goals_visible.visible_metrics(self.request.user).select_related("objective__goal__plan", "owner")
            self._metric = get_object_or_404(metrics, pk=self.kwargs["metric_pk"])
        return self._metric

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return goals_visible.visible_readings(self.request.user).none()
        return goals_visible.visible_readings(self.request.user).filter(metric=self.metric())

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.metric_record_reading(
            metric=self.metric(),
            entered_by=self.request.user,
            period_end=data["period_end"],
            value=data["value"],
            note=data.get("note", ""),
            correct=data.get("correct", False),
            correction_reason=data.get("correction_reason", ""),
        )
