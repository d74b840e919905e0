"""Reads of initiatives for pages and the API: lists with filters, the initiative page, the
dashboard's lists and My work (a department's plans are initiatives.department_plans.selectors).
Each selector runs a fixed number of queries whatever the number of rows, and reads the cached
figures; staleness applies planboard.core.progress.is_stale (the one home of the rule) to fields
already loaded, or in the database (`filter_stale`, also the API's `?stale=` filter).

The dashboard's selectors are shaped for the indexes of initiatives/migrations/0002: its lists are
`ORDER BY … LIMIT` walks of an index in the list's own order, and its counts are index-only scans
(`plan_initiative_counts`), not scans of every row of the plan's initiatives.
"""

import datetime
from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.models import Count, DateField, F, Func, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import Department, Health, Metric, Objective, Plan, Term
from goals.selectors import alignment_targets
from initiatives.models import Initiative, InitiativeStatus, Milestone, StatusUpdate
from initiatives.overdue import filter_overdue
from planboard.core import progress

# The list's reporting filter: the cached report_state (planboard.core.progress.ReportState).
REPORT_STATE_CHOICES = [
    (progress.ReportState.LATE, "Update late"),
    (progress.ReportState.DUE, "Update due"),
    (progress.ReportState.REPORTED, "Reported for the period"),
    ("none", "Owes no update"),
]
DEADLINE_WINDOW_DAYS = 60
# The dashboard lists this many of each kind of deadline and counts the rest.
DEADLINES_SHOWN = 10
RECENT_COMPLETIONS = 5
OPEN_STATUSES = [
    s for s in InitiativeStatus.values if s not in (InitiativeStatus.COMPLETED, InitiativeStatus.CANCELLED)
]


def is_stale(initiative: Initiative, today: datetime.date) -> bool:
    """The stale rule of planboard.core.progress applied to one initiative (its plan must be loaded)."""
    return progress.is_stale(
        status=initiative.status,
        last_update_on=initiative.last_update_on,
        start_date=initiative.start_date,
        cadence_days=initiative.cadence_days,
        today=today,
    )


def mark_stale(initiatives: list[Initiative], today: datetime.date) -> list[Initiative]:
    """Set `.is_stale` on each initiative for the template; returns the same list."""
    for initiative in initiatives:
        initiative.is_stale = is_stale(initiative, today)
    return initiatives


class DaysBefore(Func):
    """`date` minus `days` whole days, as a date: date arithmetic on a per-row number of days, which
    PostgreSQL (`date - integer`) and SQLite (`date(d, '-N days')`) spell differently."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"DaysBefore is written for PostgreSQL and SQLite, not {connection.vendor}.")

    def _operands(self, compiler):
        (date_sql, date_params), (days_sql, days_params) = (compiler.compile(e) for e in self.source_expressions)
        return date_sql, days_sql, (*date_params, *days_params)

    def as_postgresql(self, compiler, connection, **extra):
        date_sql, days_sql, params = self._operands(compiler)
        return f"(({date_sql})::date - ({days_sql}))", params

    def as_sqlite(self, compiler, connection, **extra):
        date_sql, days_sql, params = self._operands(compiler)
        return f"date({date_sql}, '-' || ({days_sql}) || ' days')", params


# Sorted, so the partial index of initiatives/migrations/0002 and the queries spell the list alike.
NEVER_STALE = sorted(progress.NEVER_STALE_STATUSES)


def with_stale_fields(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """`stale_reference` (the last update, else the start date) and `stale_cadence` (the
    initiative's own cadence, else its plan's) on each row: what the stale rule reads."""
    return queryset.annotate(
        stale_reference=Coalesce("last_update_on", "start_date"),
        stale_cadence=Coalesce("update_cadence_days", "plan__update_cadence_days"),
    )


def stale_condition(today: datetime.date) -> Q:
    """planboard.core.progress.is_stale as a filter on rows annotated by `with_stale_fields`: not
    completed, cancelled or on hold, and either neither date is known or the reference is more than
    the cadence's days before `today`."""
    overdue = Q(stale_reference__lt=DaysBefore(Value(today, output_field=DateField()), F("stale_cadence")))
    return ~Q(status__in=NEVER_STALE) & (Q(stale_reference__isnull=True) | overdue)


def filter_stale(queryset: QuerySet[Initiative], stale: bool, today: datetime.date | None = None) -> QuerySet:
    """Initiatives that are (or, with `stale` false, are not) stale on `today`: the rule of
    planboard.core.progress.is_stale in the database (`stale_condition`). Stale is an initiative not
    completed, cancelled or on hold whose last update (or, with none, its start date) is more than
    its cadence (its own, else its plan's) days before today, or which has neither date.

    One condition per row with the date arithmetic in SQL (`DaysBefore`), so the filter costs no
    query of its own (it used to read the plan's distinct cadences first: one more scan of every row).
    """
    today = today or timezone.localdate()
    condition = stale_condition(today)
    queryset = with_stale_fields(queryset)
    return queryset.filter(condition) if stale else queryset.exclude(condition)


# --- Lists with filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeFilters:
    """The filters of the initiative list, as read from the query string (blank means any)."""

    q: str = ""
    department: int | None = None
    theme: int | None = None
    term: str = ""
    health: str = ""
    owner: int | None = None
    stale: str = ""  # "yes", "no" or blank
    goal: int | None = None
    overdue: str = ""  # "yes" (target date passed, not completed), "no" or blank
    report_state: str = ""  # "late", "due", "reported", "none" (not owed) or blank


def initiative_list(plan: Plan, filters: InitiativeFilters, today: datetime.date) -> QuerySet[Initiative]:
    """The plan's initiatives matching `filters`, with what a list row shows."""
    queryset = Initiative.objects.filter(plan=plan).select_related("plan", "theme", "department", "owner")
    if filters.q:
        queryset = queryset.filter(
            Q(title__icontains=filters.q) | Q(code__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    if filters.department:
        queryset = queryset.filter(department_id=filters.department)
    if filters.theme:
        queryset = queryset.filter(theme_id=filters.theme)
    if filters.term:
        queryset = queryset.filter(term=filters.term)
    if filters.health == "none":
        queryset = queryset.filter(health="")
    elif filters.health:
        queryset = queryset.filter(health=filters.health)
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.goal:
        queryset = queryset.filter(
            pk__in=Initiative.supports.through.objects.filter(objective__goal_id=filters.goal).values("initiative_id")
        )
    if filters.stale in ("yes", "no"):
        queryset = filter_stale(queryset, filters.stale == "yes", today)
    if filters.overdue in ("yes", "no"):
        queryset = filter_overdue(queryset, filters.overdue == "yes", today)
    if filters.report_state:
        queryset = queryset.filter(report_state="" if filters.report_state == "none" else filters.report_state)
    return queryset.order_by("code")


def filter_choices(plan: Plan) -> dict:
    """The options of the filter form: departments, themes, owners and goals used in the plan."""
    from django.contrib.auth import get_user_model

    owner_ids = Initiative.objects.filter(plan=plan, owner__isnull=False).values("owner_id")
    return {
        "departments": list(Department.objects.filter(initiatives__plan=plan).distinct().order_by("name")),
        "themes": list(plan.themes.order_by("order", "name")),
        "owners": list(
            get_user_model().objects.filter(pk__in=owner_ids).order_by("last_name", "first_name", "username")
        ),
        "goals": list(plan.goals.order_by("number")),
        "terms": Term.choices,
        "healths": [*Health.choices, ("none", "Not rated")],
        "report_states": REPORT_STATE_CHOICES,
    }


# --- One initiative --------------------------------------------------------------------------


def initiative_detail(pk: int) -> Initiative | None:
    """An initiative with its plan, theme, department, owner, milestones and objectives."""
    return (
        Initiative.objects.select_related("plan", "theme", "department", "owner")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due", "title")),
            Prefetch("supports", queryset=Objective.objects.select_related("goal").order_by("goal__number", "code")),
            alignment_targets(),
        )
        .filter(pk=pk)
        .first()
    )


def initiative_changes_since(initiative: Initiative, version: int) -> dict:
    """What changed on `initiative` after the version a writer saw: fields before/after, and who.

    Compares the audit record of that version with the newest one, and lists the status updates
    posted since. Used to show a writer with a stale form what someone else did first.
    """
    seen = initiative.history.filter(version=version).order_by("-history_id").first()
    latest = initiative.history.select_related("history_user").order_by("-history_id").first()
    fields = []
    if seen is not None and latest is not None and latest.pk != seen.pk:
        fields = [
            {"field": Initiative._meta.get_field(change.field).verbose_name, "before": change.old, "after": change.new}
            for change in latest.diff_against(seen).changes
            if change.field not in ("last_update_on",)
        ]
    since = seen.history_date if seen is not None else None
    updates = StatusUpdate.objects.select_related("author").filter(initiative=initiative).order_by("-created_at")
    if since is not None:
        updates = updates.filter(created_at__gt=since)
    return {"fields": fields, "updates": list(updates[:5]), "by": latest.history_user if latest else None}


# --- The dashboard ---------------------------------------------------------------------------


HEALTH_ORDER = [Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, Health.COMPLETED]


def plan_initiative_counts(plan: Plan, today: datetime.date) -> dict:
    """How many of the plan's initiatives are in each computed health (in a fixed order, then the
    unrated) and how many are stale on `today`. Two index-only scans (initiative_plan_health, and
    initiative_plan_stale_order over the open initiatives only) when the table is vacuumed; COUNT(*)
    rather than COUNT(id), which would have to read every row."""
    counts = dict(Initiative.objects.filter(plan=plan).order_by().values_list("health").annotate(n=Count("*")))
    rows = [{"health": value, "label": Health(value).label, "count": counts.get(value, 0)} for value in HEALTH_ORDER]
    rows.append({"health": "", "label": "Not rated (on hold, cancelled or no figure)", "count": counts.get("", 0)})
    return {"health": rows, "stale": filter_stale(Initiative.objects.filter(plan=plan), True, today).count()}


def plan_stale_initiatives(plan: Plan, today: datetime.date, limit: int = 10) -> list[Initiative]:
    """The `limit` stalest initiatives of the plan, oldest update first (the count is in
    `plan_initiative_counts`): a walk of the index initiative_plan_stale_order that stops at `limit`."""
    # The plan is joined for its cadence, not loaded: the list shows the initiative and its owner.
    stale = filter_stale(Initiative.objects.filter(plan=plan).select_related("owner"), True, today)
    return list(stale.order_by("stale_reference", "code")[:limit])


def initiative_timeline(initiative: Initiative, limit: int | None) -> tuple[list[StatusUpdate], int]:
    """The newest `limit` status updates (all when None), newest first, and how many there are."""
    updates = initiative.updates.select_related("author").order_by("-as_of", "-created_at")
    return list(updates if limit is None else updates[:limit]), updates.count()


def plan_deadlines(plan: Plan, today: datetime.date, limit: int = DEADLINES_SHOWN) -> dict:
    """Open initiatives whose target date and open milestones whose due date fall in the next 60
    days: the `limit` soonest of each, with how many there are in all (four queries)."""
    until = today + datetime.timedelta(days=DEADLINE_WINDOW_DAYS)
    initiatives = Initiative.objects.filter(plan=plan, status__in=OPEN_STATUSES, target_date__range=(today, until))
    milestones = Milestone.objects.filter(initiative__plan=plan, done_on__isnull=True, due__range=(today, until))
    return {
        "initiatives": list(initiatives.select_related("owner").order_by("target_date", "code")[:limit]),
        "initiative_count": initiatives.count(),
        "milestones": list(milestones.select_related("initiative").order_by("due", "title")[:limit]),
        "milestone_count": milestones.count(),
        "until": until,
    }


def plan_recently_completed(plan: Plan, limit: int = RECENT_COMPLETIONS) -> list[Initiative]:
    return list(
        Initiative.objects.filter(plan=plan, status=InitiativeStatus.COMPLETED)
        .select_related("owner")
        .order_by("-completed_date", "-last_update_on", "code")[:limit]
    )


# --- My work ---------------------------------------------------------------------------------


def my_initiatives(user, today: datetime.date) -> list[Initiative]:
    """Open initiatives `user` owns: stale first, then by target date (soonest first)."""
    rows = mark_stale(
        list(
            Initiative.objects.filter(owner=user)
            .exclude(status=InitiativeStatus.CANCELLED)
            .select_related("plan", "theme", "department")
            .order_by("target_date", "code")
        ),
        today,
    )
    far = datetime.date.max
    return sorted(
        rows,
        key=lambda i: (i.status == InitiativeStatus.COMPLETED, not i.is_stale, i.target_date or far, i.code),
    )


def my_metrics(user, today: datetime.date) -> list[Metric]:
    """Metrics `user` owns with the date their next reading is due (overdue first)."""
    from django.db.models import Max

    rows = list(
        Metric.objects.filter(owner=user)
        .select_related("objective__goal__plan")
        .annotate(latest_period_end=Max("readings__period_end"))
        .order_by("name")
    )
    for metric in rows:
        metric.reading_due_on = progress.reading_due_on(
            frequency=metric.frequency, latest_period_end=metric.latest_period_end, baseline_date=metric.baseline_date
        )
        metric.reading_overdue = metric.reading_due_on < today
    return sorted(rows, key=lambda m: (m.reading_due_on, m.name))
