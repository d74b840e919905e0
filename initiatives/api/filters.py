"""Filters for initiatives, milestones and IT requests, named after the fields.

`?stale=true` is initiatives.selectors.filter_stale, the stale rule in the database (the same
selector the pages' lists use); `?overdue=true` likewise initiatives.overdue.filter_overdue.
"""

import django_filters as filters
from django.db.models import QuerySet
from django.utils import timezone

from goals.api.filters import IdFilter
from goals.models import Health, Term
from initiatives.models import Initiative, InitiativeStatus, ITRequest, Milestone, StatusUpdate
from initiatives.overdue import filter_overdue
from initiatives.selectors import filter_stale
from planboard.core.progress import ReportState


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
        choices=[("true", "Stale"), ("false", "Not stale")],
        method="filter_stale",
        help_text="true: no status update within the update cadence; false: the others.",
    )
    overdue = filters.ChoiceFilter(
        choices=[("true", "Overdue"), ("false", "Not overdue")],
        method="filter_overdue",
        help_text="true: target date passed (in the city's today) and not completed or cancelled; false: the others.",
    )

    report_state = filters.ChoiceFilter(
        choices=[(value, label) for value, label in ReportState.LABELS.items() if value],
        help_text="The cached reporting state: late (the owed period's update is past due and missing), due, "
        "or reported.",
    )

    class Meta:
        model = Initiative
        fields = [
            "plan",
            "objective",
            "goal",
            "department",
            "theme",
            "owner",
            "status",
            "health",
            "term",
            "stale",
            "overdue",
        ]

    def filter_stale(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        return filter_stale(queryset, value == "true")

    def filter_overdue(self, queryset: QuerySet, _name: str, value: str) -> QuerySet:
        return filter_overdue(queryset, value == "true", timezone.localdate())


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
