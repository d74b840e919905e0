"""Reads of what is late: initiatives past their target date, milestones past their due date, and
status updates and metric readings due and missing (the cached `report_state` == "late").

The rule is planboard.core.progress.is_overdue / milestone_is_overdue (the one home); here it is
written as database conditions (`overdue_condition`, `milestone_overdue_condition`) for the lists
and counts, on the date given ("as of"), so the initiative list, the API's `?overdue=true` and
the dashboard's "Late and overdue" agree with the figures. A fixed number of queries each.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from goals.models import Metric, Plan
from initiatives.models import Initiative, Milestone
from planboard.core import progress

# The dashboard lists this many of each kind and counts the rest.
LATE_SHOWN = 10
# Sorted, so every query spells the list alike.
NEVER_OVERDUE = sorted(progress.NEVER_OVERDUE_STATUSES)


def overdue_condition(today: datetime.date) -> Q:
    """progress.is_overdue as a filter: a target date before `today`, not completed or cancelled."""
    return Q(target_date__lt=today) & ~Q(status__in=NEVER_OVERDUE)


def filter_overdue(queryset: QuerySet[Initiative], overdue: bool, today: datetime.date) -> QuerySet[Initiative]:
    """Initiatives that are (or, with `overdue` false, are not) overdue on `today`."""
    condition = overdue_condition(today)
    return queryset.filter(condition) if overdue else queryset.exclude(condition)


def milestone_overdue_condition(today: datetime.date) -> Q:
    """progress.milestone_is_overdue as a filter: due before `today` and not done by `today`."""
    return Q(due__lt=today) & (Q(done_on__isnull=True) | Q(done_on__gt=today))


def mark_overdue(initiatives, today: datetime.date):
    """Set `.is_overdue` on each initiative for the template; returns the same rows."""
    for initiative in initiatives:
        initiative.is_overdue = progress.is_overdue(
            status=initiative.status, target_date=initiative.target_date, today=today
        )
    return initiatives


@dataclass
class LateItems:
    """The dashboard's "Late and overdue": the most overdue of each kind and how many there are."""

    initiatives: list[Initiative]
    initiative_count: int
    milestones: list[Milestone]
    milestone_count: int
    # From the cached reporting figures: a status update or a reading due and missing.
    reports: list[Initiative] = field(default_factory=list)
    report_count: int = 0
    metrics: list[Metric] = field(default_factory=list)
    metric_count: int = 0

    @property
    def total(self) -> int:
        return self.initiative_count + self.milestone_count + self.report_count + self.metric_count


def plan_late_items(plan: Plan, today: datetime.date, limit: int = LATE_SHOWN) -> LateItems:
    """Overdue initiatives (longest overdue first), overdue milestones of the plan's initiatives
    that are still open, and the initiatives and metrics whose status update or reading is late
    (report_state, as of the last recalculation; longest late first): the `limit` first of each
    and their counts (eight queries, walks of the indexes initiative_plan_target_date,
    milestone_open_due, initiative_plan_report_state and metric_report_state)."""
    initiatives = Initiative.objects.filter(plan=plan).filter(overdue_condition(today))
    milestones = Milestone.objects.filter(initiative__plan=plan).filter(milestone_overdue_condition(today))
    # A milestone of a completed or cancelled initiative is history, not a late item.
    milestones = milestones.exclude(initiative__status__in=NEVER_OVERDUE)
    reports = Initiative.objects.filter(plan=plan, report_state=progress.ReportState.LATE)
    metrics = Metric.objects.filter(objective__goal__plan=plan, report_state=progress.ReportState.LATE)
    return LateItems(
        initiatives=list(initiatives.select_related("owner").order_by("target_date", "code")[:limit]),
        initiative_count=initiatives.count(),
        milestones=list(milestones.select_related("initiative").order_by("due", "title")[:limit]),
        milestone_count=milestones.count(),
        reports=list(reports.select_related("owner").order_by("report_due_on", "code")[:limit]),
        report_count=reports.count(),
        metrics=list(metrics.select_related("owner", "objective").order_by("report_due_on", "name")[:limit]),
        metric_count=metrics.count(),
    )
