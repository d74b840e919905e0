"""API views for initiatives, their status updates and milestones, IT requests, and the planning
actions of a plan (alignment and priority).

Reads are the caller's `visible_*` querysets; writes go through initiatives.services
(each model's named services, `initiative_create` ..., for the objects; initiative_post_update for
the append-only status timeline; the spend gate's in initiatives.it_requests). Initiatives and
milestones filtered by `?plan=` show that plan's data only (`cache_per_plan`: their cached answers
outlive other plans' changes, see planboard.api_cache.responses.CachedListMixin).
"""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.generics import get_object_or_404

from goals import visibility as goals_visible
from goals.models import Objective
from initiatives import services
from initiatives import visibility as initiatives_visible
from initiatives.api import filters
from initiatives.api.alignment import PlanAlignmentActions
from initiatives.api.it_requests import SpendGateActions
from initiatives.api.priority import PlanPriorityActions
from initiatives.api.serializers import (
    InitiativeSerializer,
    ITRequestSerializer,
    MilestoneSerializer,
    StatusUpdateSerializer,
)
from initiatives.models import Initiative, StatusUpdate
from planboard.api_cache.responses import CachedListMixin
from planboard.core.api import VersionedWriteMixin

PROGRESS_ORDERING = ["progress", "pace", "health"]


class InitiativeDataViewSet(CachedListMixin, VersionedWriteMixin, viewsets.ModelViewSet):
    """Each viewset names its model's rules and three services."""


class InitiativeViewSet(InitiativeDataViewSet):
    """Initiatives with their reported status and computed figures. Status moves by posting updates."""

    cache_per_plan = True
    rules = services.INITIATIVE_RULES
    create_service = staticmethod(services.initiative_create)
    update_service = staticmethod(services.initiative_update)
    delete_service = staticmethod(services.initiative_delete)
    serializer_class = InitiativeSerializer
    visible = initiatives_visible.visible_initiatives
    filterset_class = filters.InitiativeFilter
    search_fields = ["code", "title", "description"]
    ordering_fields = [
        "code",
        "title",
        "status",
        "percent_complete",
        "start_date",
        "target_date",
        "last_update_on",
        "priority_rank",
        *PROGRESS_ORDERING,
    ]

    def optimize(self, queryset: QuerySet) -> QuerySet:
        ids_only = Objective.objects.only("id")
        return queryset.select_related("plan").prefetch_related(
            Prefetch("supports", queryset=ids_only), Prefetch("aligned_to", queryset=ids_only)
        )


INITIATIVE_ID = OpenApiParameter(
    "initiative_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The initiative's id."
)


@extend_schema_view(list=extend_schema(parameters=[INITIATIVE_ID]), create=extend_schema(parameters=[INITIATIVE_ID]))
class StatusUpdateViewSet(CachedListMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """An initiative's status timeline, newest first. Append-only: updates are posted, never changed.

    Posting takes the initiative's `version` (409 with the current initiative when stale) and
    moves the initiative's status and percent complete when the update is the newest.
    """

    serializer_class = StatusUpdateSerializer
    filterset_class = filters.StatusUpdateFilter
    search_fields = ["narrative"]
    ordering_fields = ["as_of", "created_at", "percent_complete"]
    conflict_on_create = True

    def initiative(self) -> Initiative:
        if not hasattr(self, "_initiative"):
            initiatives = initiatives_visible.visible_initiatives(self.request.user).select_related("plan")
            self._initiative = get_object_or_404(initiatives, pk=self.kwargs["initiative_pk"])
        return self._initiative

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.initiative_updates().none()
        return self.initiative_updates().filter(initiative=self.initiative())

    def initiative_updates(self) -> QuerySet:
        return StatusUpdate.objects.filter(initiative__in=initiatives_visible.visible_initiatives(self.request.user))

    def conflict_serializer(self) -> InitiativeSerializer:
        return InitiativeSerializer()

    def conflict_representation(self, current: Initiative) -> dict:
        return InitiativeSerializer(current, context=self.get_serializer_context()).data

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.initiative_post_update(
            initiative=self.initiative(),
            author=self.request.user,
            status=data["status"],
            percent_complete=data["percent_complete"],
            narrative=data.get("narrative", ""),
            as_of=data.get("as_of"),
            version=data["version"],
            reopen_reason=data.get("reopen_reason", ""),
            period_ends_on=data.get("period_ends_on"),
            correction_reason=data.get("correction_reason", ""),
        )


class MilestoneViewSet(InitiativeDataViewSet):
    """Milestones of an initiative: what is due when, and when it was done."""

    cache_per_plan = True
    rules = services.MILESTONE_RULES
    create_service = staticmethod(services.milestone_create)
    update_service = staticmethod(services.milestone_update)
    delete_service = staticmethod(services.milestone_delete)
    serializer_class = MilestoneSerializer
    visible = initiatives_visible.visible_milestones
    filterset_class = filters.MilestoneFilter
    search_fields = ["title"]
    ordering_fields = ["due", "done_on", "title"]


class ITRequestViewSet(SpendGateActions, InitiativeDataViewSet):
    """Departments' requests to spend on IT, weighed against the enterprise plan.

    Filed and edited (as drafts) by the department's liaisons; state and decision fields are
    read-only here and move through the submit/approve/reject/exception actions
    (initiatives.api.it_requests, services in initiatives.it_requests.services).
    """

    serializer_class = ITRequestSerializer
    visible = initiatives_visible.visible_it_requests
    filterset_class = filters.ITRequestFilter
    search_fields = ["title", "justification"]
    ordering_fields = ["title", "amount", "fiscal_year", "state"]

    def optimize(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related(Prefetch("objectives", queryset=Objective.objects.only("id")))

    def extra_create_data(self) -> dict:
        return {"requested_by": self.request.user}


class PlanPlanningViewSet(PlanAlignmentActions, PlanPriorityActions, viewsets.GenericViewSet):
    """`alignment` (initiatives.api.alignment) and `priority` (initiatives.api.priority) of one plan
    the caller may read; registered on the plans' prefix."""

    def get_queryset(self):
        return goals_visible.visible_plans(self.request.user).select_related("department", "parent")
