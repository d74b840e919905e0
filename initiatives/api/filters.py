"""Filters for initiatives, milestones and IT requests, named after the fields.

`?stale=true` applies the rule of planboard.core.progress.is_stale in the database: an initiative not
completed, cancelled or on hold whose last update (or, with none, its start date) is more than its
cadence (its own, else its plan's) days before today, or which has neither date.
"""

import datetime

import django_filters as filters
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.api.filters import IdFilter
from goals.models import Health, Term
from initiatives.models import Initiative, InitiativeStatus, ITRequest, Milestone, StatusUpdate
from planboard.core.progress import NEVER_STALE_STATUSES


def filter_stale(queryset: QuerySet[Initiative], stale: bool, today: datetime.date | None = None) -> QuerySet:
    """Initiatives that are (or, with `stale` false, are not) stale on `today`.

    Cadences differ per row, and date arithmetic on a per-row number of days is spelled
    differently by every database, so the rule is written as one comparison per distinct cadence
    (one extra query; a city has a handful of cadences).
    """
    today = today or timezone.localdate()
    queryset = queryset.annotate(
        stale_reference=Coalesce("last_update_on", "start_date"),
        stale_cadence=Coalesce("update_cadence_days", "plan__update_cadence_days"),
    )
    cadences = queryset.order_by().values_list("stale_cadence", flat=True).distinct()
    overdue = Q(pk__in=[])
    for days in cadences:
        overdue |= Q(stale_cadence=days, stale_reference__lt=today - datetime.timedelta(days=days))
    condition = ~Q(status__in=NEVER_STALE_STATUSES) & (Q(stale_reference__isnull=True) | overdue)
    return queryset.filter(condition) if stale else queryset.exclude(condition)


class InitiativeFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    objective = IdFilter(field_name="supports", help_text="Initiatives that support this objective.")
    goal = IdFilter(field_name="supports__goal_id", distinct=True)
    department = IdFilter(field_name="department_id")
    theme = IdFilter(field_name="theme_id")
    owner = IdFilter(field_name="owner_id")
    status = filters.ChoiceFilter(choices=InitiativeStatus.choices, help_text="The status the owner reported.")
    health = filters.ChoiceFilter(choices=Health.choices, help_text="Computed health of the cached figure.")
    term = filters.ChoiceFilter(choices=Term.choices)
    stale = filters.ChoiceFilter(
        choices=[("true", "Stale"), ("false", "Not stale")], method="filter_stale",
        help_text="true: no status update within the update cadence; false: the others.",
    )

    class Meta:
        model = Initiative
        fields = ["plan", "objective", "goal", "department", "theme", "owner", "status", "health", "term", "stale"]

    def filter_stale(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        return filter_stale(queryset, value == "true")


class MilestoneFilter(filters.FilterSet):
    initiative = IdFilter(field_name="initiative_id")
    plan = IdFilter(field_name="initiative__plan_id")
    done = filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Milestone
        fields = ["initiative", "plan", "done"]


class ITRequestFilter(filters.FilterSet):
    department = IdFilter(field_name="department_id")
    plan = IdFilter(field_name="plan_id")
    objective = IdFilter(field_name="objectives")
    state = filters.ChoiceFilter(choices=ITRequest.State.choices)
    fiscal_year = IdFilter(field_name="fiscal_year", min_value=2000, max_value=2100)

    class Meta:
        model = ITRequest
        fields = ["department", "plan", "objective", "state", "fiscal_year"]


class StatusUpdateFilter(filters.FilterSet):
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=InitiativeStatus.choices)

    class Meta:
        model = StatusUpdate
        fields = ["as_of_after", "as_of_before", "status"]
