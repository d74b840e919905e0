"""API representations of initiatives, their status updates and milestones, and IT requests.

An initiative's reported status and percent complete are read-only here: they move only when a
status update is posted (`POST /initiatives/{id}/updates/`), so the timeline explains every change.
"""

from django.utils import timezone
from rest_framework import serializers

from goals import visibility as goals_visible
from goals.api.serializers import TRACKING_FIELDS, active_people
from goals.models import Department, Objective, Plan, Theme
from initiatives import visibility as initiatives_visible
from initiatives.models import Initiative, InitiativeStatus, ITRequest, Milestone, StatusUpdate
from initiatives.reopening import REOPEN_REASON_MAX
from planboard.core.api import (
    PROGRESS_FIELDS,
    REPORTING_FIELDS,
    ProgressSerializer,
    ReportingSerializer,
    VersionedSerializer,
    VisibleKey,
)
from planboard.core.progress import is_overdue, is_stale


class InitiativeSerializer(ReportingSerializer, ProgressSerializer):
    plan = VisibleKey(Plan, goals_visible.visible_plans)
    theme = VisibleKey(Theme, goals_visible.visible_themes, allow_null=True, required=False)
    department = VisibleKey(Department, goals_visible.visible_departments, allow_null=True, required=False)
    owner = VisibleKey(
        Initiative._meta.get_field("owner").related_model, active_people, allow_null=True, required=False
    )
    supports = VisibleKey(
        Objective,
        goals_visible.visible_objectives,
        many=True,
        required=False,
        help_text="Objectives of the initiative's own plan that it supports.",
    )
    aligned_to = VisibleKey(
        Objective,
        goals_visible.visible_objectives,
        many=True,
        required=False,
        help_text="For a department plan's initiative: objectives of the enterprise plan (or its own plan) it serves.",
    )
    last_update_on = serializers.DateField(read_only=True, allow_null=True)
    priority_score = serializers.FloatField(read_only=True, allow_null=True)
    priority_rank = serializers.IntegerField(read_only=True, allow_null=True)
    stale = serializers.SerializerMethodField(
        help_text="No status update within the update cadence (the rule of planboard.core.progress.is_stale)."
    )

    overdue = serializers.SerializerMethodField(
        help_text="Target date passed and not completed or cancelled (planboard.core.progress.is_overdue)."
    )

    class Meta:
        model = Initiative
        fields = [
            *TRACKING_FIELDS,
            "plan",
            "code",
            "title",
            "description",
            "theme",
            "term",
            "department",
            "owner",
            "status",
            "percent_complete",
            "start_date",
            "target_date",
            "completed_date",
            "budget_estimate",
            "budget_actual",
            "update_cadence_days",
            "last_update_on",
            "stale",
            "overdue",
            "supports",
            "aligned_to",
            "priority_score",
            "priority_rank",
            *PROGRESS_FIELDS,
            *REPORTING_FIELDS,
        ]
        read_only_fields = ["status", "percent_complete", "completed_date"]

    def get_stale(self, initiative: Initiative) -> bool:
        return is_stale(
            status=initiative.status,
            last_update_on=initiative.last_update_on,
            start_date=initiative.start_date,
            cadence_days=initiative.cadence_days,
            today=timezone.localdate(),
        )

    def get_overdue(self, initiative: Initiative) -> bool:
        return is_overdue(status=initiative.status, target_date=initiative.target_date, today=timezone.localdate())


class StatusUpdateSerializer(serializers.ModelSerializer):
    """An owner's report at a date. Posting one moves the initiative's status when it is the newest."""

    version = serializers.IntegerField(
        write_only=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The initiative's version you read; a stale one gets 409 and nothing is stored.",
    )
    as_of = serializers.DateField(required=False, help_text="The date the report is as of; today when left out.")
    status = serializers.ChoiceField(choices=InitiativeStatus.choices)
    reopen_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=REOPEN_REASON_MAX,
        help_text="Required when the update would reopen a completed initiative (the newest update, with "
        "another status): why it is reopened; recorded in the initiative's history. Ignored otherwise.",
    )
    period_ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Last day of the reporting period the update reports for; by default the period owed on as_of.",
    )
    correction_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The CIO's reason for posting to a closed reporting period (audited).",
    )

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "initiative",
            "as_of",
            "status",
            "percent_complete",
            "narrative",
            "author",
            "created_at",
            "version",
            "reopen_reason",
            "period_ends_on",
            "correction_reason",
        ]
        read_only_fields = ["initiative", "author"]


class MilestoneSerializer(VersionedSerializer):
    initiative = VisibleKey(Initiative, initiatives_visible.visible_initiatives)

    class Meta:
        model = Milestone
        fields = [*TRACKING_FIELDS, "initiative", "title", "due", "done_on"]


class ITRequestSerializer(VersionedSerializer):
    department = VisibleKey(Department, goals_visible.visible_departments)
    plan = VisibleKey(
        Plan, goals_visible.visible_plans, help_text="The enterprise plan the request is weighed against."
    )
    objectives = VisibleKey(
        Objective,
        goals_visible.visible_objectives,
        many=True,
        required=False,
        help_text="Objectives of that plan the spending serves.",
    )

    class Meta:
        model = ITRequest
        fields = [
            *TRACKING_FIELDS,
            "department",
            "plan",
            "title",
            "justification",
            "amount",
            "fiscal_year",
            "objectives",
            "state",
            "requested_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "exception_reason",
            "exception_by",
            "exception_at",
        ]
        read_only_fields = [
            "state",
            "requested_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "exception_reason",
            "exception_by",
            "exception_at",
        ]
