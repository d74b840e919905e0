"""Admin pages for metric readings, which a metric's owner records as well as whoever may edit its
plan (`may_record_some_reading`). They are saved directly, with the same rules as
metric_record_reading; `ReadingInline` lists them on their metric's page."""

from django.contrib import admin

from goals import visibility as goals_visible
from goals.admin.common import ONLY_RELATED, RecalculatesPlans
from goals.models import Metric, MetricReading
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin, PlanboardInline, may_edit_some_plan


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


@admin.register(MetricReading)
class MetricReadingAdmin(RecalculatesPlans, PlanboardAdmin):
    """Readings: a metric's owner records them as well as whoever may edit its plan.

    Saved directly (metric_record_reading records one reading, it does not edit or delete one),
    with the same rules: one reading per period (the model's unique constraint, reported against
    the period), the editor is recorded as `entered_by`, and the plan is marked for
    recalculation. Editing an existing reading is recorded as a correction.
    """

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

    def refuse_save(self, request, obj, form):
        if self.may_change(request.user, obj):
            return None
        return "metric", f"You may not record readings for “{obj.metric}”."

    def change_reason(self, obj, change: bool) -> str:
        return "Reading corrected in the admin" if change else super().change_reason(obj, change)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
