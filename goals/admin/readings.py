"""Admin pages for metric readings, which a metric's owner records as well as whoever may edit its
plan (`may_record_some_reading`). They are written through metric_record_reading and
reading_delete, as on the metric page and in the API; `ReadingInline` lists them on their
metric's page, its rows written through the same services."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from goals import services
from goals import visibility as goals_visible
from goals.admin.common import ONLY_RELATED
from goals.models import Metric, MetricReading
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin, PlanboardInline, may_edit_some_plan

CORRECTED_IN_THE_ADMIN = "Reading corrected in the admin"


def may_record_some_reading(user) -> bool:
    """Besides plan editors: metric owners (see can_edit_metric)."""
    who = permissions.actor(user)
    if who.is_anonymous:
        return False
    if may_edit_some_plan(user):
        return True
    if not hasattr(user, "_planboard_owns_metrics"):
        user._planboard_owns_metrics = Metric.objects.filter(owner=user).exists()
    return user._planboard_owns_metrics


class ReadingInline(PlanboardInline, admin.TabularInline):
    model = MetricReading
    fields = ["period_end", "value", "note", "entered_by"]
    readonly_fields = ["entered_by"]
    ordering = ["-period_end"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entered_by")


def reading_record(*, actor, data: dict, reason: str) -> MetricReading:
    """A new reading from the admin: recorded by metric_record_reading, which refuses a second
    reading for a period (correct the existing one instead)."""
    return services.metric_record_reading(
        metric=data["metric"],
        entered_by=actor,
        period_end=data["period_end"],
        value=data["value"],
        note=data.get("note", ""),
    )


def reading_correct(*, instance: MetricReading, actor, data: dict, version: int, reason: str) -> MetricReading:
    """A changed reading from the admin: a correction by metric_record_reading. The metric and the
    period say which reading it is; to move a reading, delete it and record the new one."""
    moved = {
        name: f"A reading's {label} cannot be changed; delete it and record the reading again instead."
        for name, label in (("metric", "metric"), ("period_end", "period"))
        if name in data and data[name] != getattr(instance, name)
    }
    if moved:
        raise ValidationError(moved)
    return services.metric_record_reading(
        metric=instance.metric,
        entered_by=actor,
        period_end=instance.period_end,
        value=data.get("value", instance.value),
        note=data.get("note", instance.note),
        correct=True,
        version=version,
        reason=CORRECTED_IN_THE_ADMIN,
    )


@admin.register(MetricReading)
class MetricReadingAdmin(PlanboardAdmin):
    """Readings: a metric's owner records them as well as whoever may edit its plan.

    Written through goals.services, as the API, the metric page and the readings import do: a new
    reading by metric_record_reading (one reading per period; the editor is recorded as
    `entered_by`), a change as a correction by the same service, audited with the reason
    "Reading corrected in the admin", and a delete by reading_delete. Each marks the plan for
    recalculation.
    """

    create_service = staticmethod(reading_record)
    update_service = staticmethod(reading_correct)
    delete_service = staticmethod(services.reading_delete)
    plan_path = "metric__objective__goal__plan"
    parent_field = "metric"
    list_display = ["metric", "period_end", "value", "entered_by", "updated_at"]
    list_filter = [("metric__objective__goal__plan", ONLY_RELATED), "period_end"]
    search_fields = ["metric__name", "note"]
    list_select_related = ["metric", "entered_by"]
    autocomplete_fields = ["metric"]
    fields = ["metric", "period_end", "value", "note", "entered_by"]
    readonly_fields = ["entered_by"]
    history_list_display = ["period_end", "value"]

    def visible(self, user):
        return goals_visible.visible_readings(user)

    def may_add(self, user) -> bool:
        return may_record_some_reading(user)

    def may_change(self, user, obj) -> bool:
        return permissions.can_edit_metric(user, obj.metric)

    def get_readonly_fields(self, request, obj=None):
        # Which reading it is (its metric and period) is set when it is recorded.
        fixed = ["metric", "period_end"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]
