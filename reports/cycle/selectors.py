"""Reads of the reporting cycle: `items_owed` (what a user must report now) and
`reporting_tracker` (who has reported for a period, by department and owner). Each runs a fixed
number of queries however many items there are.

The state of an item applies the rule of planboard.core.progress (`reporting`) to fields already
loaded, as the stale rule is applied on pages: `reported_through` is the engine's cached figure
(the latest period the item reported for), so the state is right for `today` even when the
nightly recalculation has not run since a due date passed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from goals import selectors as goals_selectors
from goals.models import Metric, MetricReading, Plan
from initiatives.models import Initiative, StatusUpdate
from planboard.core import permissions, progress
from planboard.core.periods import Period
from planboard.core.progress import ReportState
from planboard.core.reporting import metric_calendar


@dataclass
class OwedItem:
    """One initiative or metric the user owes a report for, with what it last reported."""

    kind: str  # "initiative" | "metric"
    item: Initiative | Metric
    plan: Plan
    period: Period  # the period owed (for a late item, the one it missed)
    state: str  # ReportState.DUE or ReportState.LATE
    previous: StatusUpdate | MetricReading | None

    @property
    def due_on(self) -> datetime.date:
        return self.period.due_on

    @property
    def is_late(self) -> bool:
        return self.state == ReportState.LATE


def _owes_from(initiative: Initiative) -> datetime.date:
    return initiative.start_date or initiative.plan.starts_on


def with_closed_through(queryset: QuerySet, plan_ref: str) -> QuerySet:
    """Initiatives or metrics annotated with their plan's `plan_closed_through` (the last day of its
    latest closed period), which initiative_reporting and metric_reporting read: no query of its own."""
    return queryset.annotate(plan_closed_through=goals_selectors.closed_through(plan_ref))


def _closed_through(item) -> datetime.date | None:
    try:
        return item.plan_closed_through
    except AttributeError:
        raise TypeError("Load the item with with_closed_through(): a closed period is never owed.") from None


def initiative_reporting(initiative: Initiative, today: datetime.date) -> tuple[Period | None, str]:
    """The period an initiative (its plan loaded, and `with_closed_through`) owes now and its
    state, by the rule of planboard.core.progress, from its cached `reported_through`."""
    if initiative.status in progress.NOT_REPORTING_STATUSES or initiative.plan.status == Plan.Status.ARCHIVED:
        return None, ReportState.NOT_OWED
    period = progress.owed_period(
        calendar=initiative.plan.reporting_calendar,
        reported_through=initiative.reported_through,
        owes_from=_owes_from(initiative),
        today=today,
        closed_through=_closed_through(initiative),
    )
    return period, progress.report_state(owed_period=period, reported_through=initiative.reported_through, today=today)


def metric_reporting(metric: Metric, today: datetime.date) -> tuple[Period | None, str]:
    """The period a metric (its plan loaded) owes now at its own frequency, and its state."""
    plan = metric.objective.goal.plan
    if plan.status == Plan.Status.ARCHIVED:
        return None, ReportState.NOT_OWED
    period = progress.owed_period(
        calendar=metric_calendar(
            frequency=metric.frequency,
            fiscal_year_start_month=plan.fiscal_year_start_month,
            due_days=plan.reporting_due_days,
        ),
        reported_through=metric.reported_through,
        owes_from=metric.baseline_date + datetime.timedelta(days=1),
        today=today,
        closed_through=_closed_through(metric),
    )
    return period, progress.report_state(owed_period=period, reported_through=metric.reported_through, today=today)


def items_owed(*, user, today: datetime.date | None = None) -> list[OwedItem]:
    """What `user` must report now: initiatives they own (and may update) and metrics they own,
    whose state is due or late; late first, then by due date. Five queries at most (the user's
    roles, initiatives, their latest updates, metrics, their latest readings), however many items.
    """
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    latest_update = StatusUpdate.objects.filter(initiative=OuterRef("pk")).order_by("-as_of", "-created_at")
    initiatives = list(
        with_closed_through(Initiative.objects.filter(owner=user), "plan_id")
        .exclude(status__in=sorted(progress.NOT_REPORTING_STATUSES))
        .exclude(plan__status=Plan.Status.ARCHIVED)
        .select_related("plan", "department", "theme")
        .annotate(latest_update_id=Subquery(latest_update.values("pk")[:1]))
        .order_by("plan_id", "code")
    )
    latest_reading = MetricReading.objects.filter(metric=OuterRef("pk")).order_by("-period_end")
    metrics = list(
        with_closed_through(Metric.objects.filter(owner=user), "objective__goal__plan_id")
        .exclude(objective__goal__plan__status=Plan.Status.ARCHIVED)
        .select_related("objective__goal__plan")
        .annotate(latest_reading_id=Subquery(latest_reading.values("pk")[:1]))
        .order_by("objective__goal__plan_id", "name")
    )
    owed: list[OwedItem] = []
    for initiative in initiatives:
        period, state = initiative_reporting(initiative, today)
        if state in (ReportState.DUE, ReportState.LATE) and permissions.can_edit_initiative(user, initiative):
            owed.append(OwedItem("initiative", initiative, initiative.plan, period, state, None))
    for metric in metrics:
        period, state = metric_reporting(metric, today)
        if state in (ReportState.DUE, ReportState.LATE):
            owed.append(OwedItem("metric", metric, metric.objective.goal.plan, period, state, None))
    _attach_previous(owed)
    return sorted(owed, key=lambda o: (not o.is_late, o.due_on, o.kind, str(o.item)))


def _attach_previous(owed: list[OwedItem]) -> None:
    """Each item's latest update or reading: one query per kind."""
    update_ids = [o.item.latest_update_id for o in owed if o.kind == "initiative" and o.item.latest_update_id]
    reading_ids = [o.item.latest_reading_id for o in owed if o.kind == "metric" and o.item.latest_reading_id]
    updates = StatusUpdate.objects.select_related("author").in_bulk(update_ids) if update_ids else {}
    readings = MetricReading.objects.in_bulk(reading_ids) if reading_ids else {}
    for o in owed:
        if o.kind == "initiative":
            o.previous = updates.get(o.item.latest_update_id)
        else:
            o.previous = readings.get(o.item.latest_reading_id)


# --- The CIO's tracker ---------------------------------------------------------------------


@dataclass
class TrackerRow:
    """Counts for one department, one owner, or the whole plan, for one period."""

    label: str
    owed: int = 0
    reported: int = 0
    on_time: int = 0
    late: int = 0  # reported after the due date, or not reported once it has passed

    @property
    def missing(self) -> int:
        return self.owed - self.reported

    @property
    def share_on_time(self) -> float | None:
        """on time / owed; None when nothing was owed."""
        return self.on_time / self.owed if self.owed else None


@dataclass
class TrackerItem:
    initiative_id: int
    code: str
    title: str
    department: str
    owner: str
    owner_id: int | None
    reported_on: datetime.date | None  # the day the first update for the period was posted
    state: str  # "on_time" | "late" | "due" (not reported, due date not passed)


@dataclass
class Tracker:
    plan: Plan
    period: Period
    total: TrackerRow
    by_department: list[TrackerRow] = field(default_factory=list)
    by_owner: list[TrackerRow] = field(default_factory=list)
    items: list[TrackerItem] = field(default_factory=list)


NO_DEPARTMENT, NO_OWNER = "No department", "No owner"


def reporting_tracker(*, plan: Plan, period: Period, today: datetime.date | None = None) -> Tracker:
    """Who has reported for `period` of `plan`: per department and per owner, owed, reported, on
    time, late and the share on time, with the totals and each item. One query.

    Owed: initiatives that owe updates now (not cancelled, on hold or completed) and had begun by
    the period's last day, and any initiative that reported for the period (one completed since
    still counts for it). Reported: at least one status update reports for the period; on time
    when the first of them was posted (its creation, in the city's time zone) by the due date.
    Metrics report at their own frequencies and are not counted here.
    """
    today = today or timezone.localdate()
    rows = (
        Initiative.objects.filter(plan=plan)
        .annotate(first_report=Min("updates__created_at", filter=Q(updates__period_ends_on=period.ends_on)))
        .order_by("code")
        .values(
            "id",
            "code",
            "title",
            "status",
            "start_date",
            "owner_id",
            "department__name",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
            "first_report",
        )
    )
    total = TrackerRow("All initiatives")
    departments: dict[str, TrackerRow] = {}
    owners: dict[int | None, TrackerRow] = {}  # by user: two people may share a name
    items = []
    for row in rows:
        reported_on = timezone.localtime(row["first_report"]).date() if row["first_report"] else None
        begun = (row["start_date"] or plan.starts_on) <= period.ends_on
        if reported_on is None and (row["status"] in progress.NOT_REPORTING_STATUSES or not begun):
            continue
        if reported_on is not None:
            state = "on_time" if reported_on <= period.due_on else "late"
        else:
            state = "late" if period.due_on < today else "due"
        owner = _person(row)
        department = row["department__name"] or NO_DEPARTMENT
        by_department = departments.setdefault(department, TrackerRow(department))
        for counts in (total, by_department, owners.setdefault(row["owner_id"], TrackerRow(owner))):
            counts.owed += 1
            counts.reported += reported_on is not None
            counts.on_time += state == "on_time"
            counts.late += state == "late"
        items.append(
            TrackerItem(row["id"], row["code"], row["title"], department, owner, row["owner_id"], reported_on, state)
        )
    return Tracker(
        plan=plan,
        period=period,
        total=total,
        by_department=_labelled(departments),
        by_owner=_labelled(owners),
        items=items,
    )


def _person(row: dict) -> str:
    if row["owner_id"] is None:
        return NO_OWNER
    full = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return full or row["owner__username"]


def _labelled(groups: dict) -> list[TrackerRow]:
    """The groups sorted by label, the "No …" group last."""
    return sorted(groups.values(), key=lambda row: (row.label in (NO_DEPARTMENT, NO_OWNER), row.label.lower()))
