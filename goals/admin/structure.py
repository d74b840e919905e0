"""Admin pages for setting up a plan by hand: departments, plans and their pillars, drivers and
themes, goals, objectives, metrics and readings.

Django's admin does not nest inlines, so the plan is a chain of pages: a plan lists its goals,
a goal its objectives, an objective its metrics, a metric its readings; each row links to the
child's own page. Who may do what comes from planboard.core.permissions (see planboard/core/admin.py).

Each page, and each inline row, is written through its model's named services in goals.services
(`goal_create`, `goal_update`, `goal_delete`, ...), with the same rules as the API. Memberships and
readings have no such services yet: they are saved directly (audited), and readings mark their
plan for recalculation here (`RecalculatesPlans`).
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join

from goals import services
from goals import visibility as goals_visible
from goals.models import (
    BusinessDriver,
    Department,
    DepartmentMembership,
    Goal,
    Metric,
    MetricReading,
    Objective,
    Pillar,
    Plan,
    Theme,
)
from planboard.core import permissions
from planboard.core.admin import (
    PlanboardAdmin,
    PlanboardForm,
    PlanboardInline,
    ProgressColumns,
    may_edit_some_plan,
    offer_only,
)

ONLY_RELATED = admin.RelatedOnlyFieldListFilter


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


class RecalculatesPlans:
    """For rows this admin saves directly (no named service yet): mark the plans they feed for
    recalculation, as the services do."""

    def plans_changed(self, plan_ids: set[int]) -> None:
        for plan_id in sorted(plan_ids):
            services.plan_mark_changed(plan_id=plan_id)


# --- Departments ---------------------------------------------------------------------------------


class MembershipInline(PlanboardInline, admin.TabularInline):
    model = DepartmentMembership
    fields = ["user", "role"]
    verbose_name = "member"
    verbose_name_plural = "members and liaisons"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "department")


class AdministratorsOnly:
    """Departments and who belongs to them are the CIO's to set up (memberships are saved directly:
    `refuse_save` says so on the form)."""

    def may_add(self, user) -> bool:
        return permissions.actor(user).is_admin

    def may_change(self, user, obj) -> bool:
        return permissions.actor(user).is_admin

    def refuse_save(self, request, obj, form):
        return None if permissions.actor(request.user).is_admin else (None, "Only the CIO may change departments.")


@admin.register(Department)
class DepartmentAdmin(AdministratorsOnly, PlanboardAdmin):
    rules = services.DEPARTMENT_RULES
    create_service = staticmethod(services.department_create)
    update_service = staticmethod(services.department_update)
    delete_service = staticmethod(services.department_delete)
    list_display = ["name", "slug", "is_active", "member_count"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    slug_from = "name"
    fields = ["name", "slug", "is_active"]
    inlines = [MembershipInline]
    history_list_display = ["name", "is_active"]

    def visible(self, user):
        return goals_visible.visible_departments(user).annotate(member_count=Count("memberships"))

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj) -> int:
        return obj.member_count


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(AdministratorsOnly, PlanboardAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", ("department", ONLY_RELATED)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]
    fields = ["department", "user", "role"]
    history_list_display = ["role"]

    def visible(self, user):
        return DepartmentMembership.objects.filter(department__in=goals_visible.visible_departments(user))


# --- Plans and the parts that hang directly off them ---------------------------------------------


class PlanPartInline(PlanboardInline, admin.TabularInline):
    fields = ["name", "description", "order"]


class PillarInline(PlanPartInline):
    model = Pillar
    fields = ["name", "description", "weight", "order"]


class DriverInline(PlanPartInline):
    model = BusinessDriver
    fields = ["name", "description", "pillar", "weight", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        plan = getattr(self, "parent_object", None)
        if db_field.name == "pillar":
            kwargs["queryset"] = plan.pillars.all() if plan is not None else Pillar.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ThemeInline(PlanPartInline):
    model = Theme


class GoalInline(PlanboardInline, admin.TabularInline):
    model = Goal
    fields = ["number", "title", "weight", "progress_display", "health_display"]
    readonly_fields = ["progress_display", "health_display"]
    progress_display = ProgressColumns.progress_display
    health_display = ProgressColumns.health_display


@admin.register(Plan)
class PlanAdmin(ProgressColumns, PlanboardAdmin):
    rules = services.PLAN_RULES
    create_service = staticmethod(services.plan_create)
    update_service = staticmethod(services.plan_update)
    delete_service = staticmethod(services.plan_delete)
    plan_path = "pk"
    list_display = [
        "title",
        "scope",
        "department",
        "years",
        "status",
        "is_published",
        "progress_display",
        "health_display",
        "needs_recalculation",
    ]
    list_filter = ["scope", "status", "is_published", ("department", ONLY_RELATED), "health"]
    search_fields = ["title", "slug", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department", "parent"]
    slug_from = "title"
    readonly_fields = [*ProgressColumns.progress_fields, "needs_recalculation"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "scope", "department", "parent", "status", "is_published", "is_sample"]}),
        ("Vision and mission", {"fields": ["vision", "mission"]}),
        (
            "Years and rules",
            {
                "fields": [
                    "start_fiscal_year",
                    "end_fiscal_year",
                    "fiscal_year_start_month",
                    "metric_share",
                    "update_cadence_days",
                ]
            },
        ),
        ("Progress (computed by Planboard)", {"fields": readonly_fields}),
    ]
    inlines = [PillarInline, DriverInline, ThemeInline, GoalInline]
    history_list_display = ["title", "status", "is_published"]

    def visible(self, user):
        return goals_visible.visible_plans(user)

    def may_add(self, user) -> bool:
        who = permissions.actor(user)
        return who.is_admin or bool(who.liaison_department_ids)

    def may_delete(self, user, obj) -> bool:
        # Narrower than the service (whoever may edit the plan): in the admin, the CIO alone.
        return permissions.actor(user).is_admin

    @admin.display(description="Fiscal years", ordering="start_fiscal_year")
    def years(self, obj) -> str:
        return f"FY{obj.start_fiscal_year}–FY{obj.end_fiscal_year}"


class PlanPartAdmin(PlanboardAdmin):
    """Pillars, business drivers and themes: each belongs to one plan."""

    plan_path = "plan"
    parent_field = "plan"
    list_display = ["name", "plan", "order"]
    list_filter = [("plan", ONLY_RELATED)]
    search_fields = ["name", "description"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]
    history_list_display = ["name", "order"]

    def visible(self, user):
        return self.model.objects.filter(plan__in=goals_visible.visible_plans(user))


@admin.register(Pillar)
class PillarAdmin(PlanPartAdmin):
    rules = services.PILLAR_RULES
    create_service = staticmethod(services.pillar_create)
    update_service = staticmethod(services.pillar_update)
    delete_service = staticmethod(services.pillar_delete)
    list_display = ["name", "plan", "weight", "order"]
    fields = ["plan", "name", "description", "weight", "order"]
    history_list_display = ["name", "weight"]


@admin.register(BusinessDriver)
class BusinessDriverAdmin(PlanPartAdmin):
    rules = services.DRIVER_RULES
    create_service = staticmethod(services.driver_create)
    update_service = staticmethod(services.driver_update)
    delete_service = staticmethod(services.driver_delete)
    list_display = ["name", "plan", "pillar", "weight", "order"]
    list_select_related = ["plan", "pillar"]
    autocomplete_fields = ["plan", "pillar"]
    fields = ["plan", "name", "description", "pillar", "weight", "order"]
    history_list_display = ["name", "weight"]


@admin.register(Theme)
class ThemeAdmin(PlanPartAdmin):
    rules = services.THEME_RULES
    create_service = staticmethod(services.theme_create)
    update_service = staticmethod(services.theme_update)
    delete_service = staticmethod(services.theme_delete)
    fields = ["plan", "name", "description", "order"]


# --- Goals → objectives → metrics → readings -----------------------------------------------------


class ObjectiveInline(PlanboardInline, admin.TabularInline):
    model = Objective
    fields = ["code", "title", "term", "weight", "progress_display", "health_display"]
    readonly_fields = ["progress_display", "health_display"]
    progress_display = ProgressColumns.progress_display
    health_display = ProgressColumns.health_display


@admin.register(Goal)
class GoalAdmin(ProgressColumns, PlanboardAdmin):
    rules = services.GOAL_RULES
    create_service = staticmethod(services.goal_create)
    update_service = staticmethod(services.goal_update)
    delete_service = staticmethod(services.goal_delete)
    plan_path = "plan"
    parent_field = "plan"
    list_display = ["__str__", "plan", "weight", "progress_display", "pace_display", "health_display"]
    list_filter = [("plan", ONLY_RELATED), "health"]
    search_fields = ["title", "description", "plan__title"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]
    fields = ["plan", "number", "title", "description", "weight", *ProgressColumns.progress_fields]
    readonly_fields = ProgressColumns.progress_fields
    inlines = [ObjectiveInline]
    history_list_display = ["number", "title", "weight"]

    def visible(self, user):
        return goals_visible.visible_goals(user)


class MetricInline(PlanboardInline, admin.TabularInline):
    model = Metric
    fields = ["name", "unit", "direction", "baseline", "baseline_date", "target", "target_date", "frequency"]


class ObjectiveForm(PlanboardForm):
    """`aligned_to` offers only what objective_update accepts: objectives of the objective's own
    plan and of the enterprise plan that plan aligns to (not itself). A new objective has no plan
    yet, so its page offers every objective the user can see, and the service decides."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("aligned_to")
        if field is not None and self.instance.pk is not None:
            objective = self.instance
            offer_only(field, services.objectives_alignable_from(objective.goal.plan).exclude(pk=objective.pk))


@admin.register(Objective)
class ObjectiveAdmin(ProgressColumns, PlanboardAdmin):
    rules = services.OBJECTIVE_RULES
    create_service = staticmethod(services.objective_create)
    update_service = staticmethod(services.objective_update)
    delete_service = staticmethod(services.objective_delete)
    plan_path = "goal__plan"
    parent_field = "goal"
    list_display = ["code", "title", "goal", "plan", "term", "weight", "progress_display", "health_display"]
    list_filter = [("goal__plan", ONLY_RELATED), "term", "health"]
    search_fields = ["code", "title", "description"]
    list_select_related = ["goal__plan"]
    form = ObjectiveForm
    autocomplete_fields = ["goal"]
    filter_horizontal = ["aligned_to"]
    fields = [
        "goal",
        "code",
        "title",
        "description",
        "term",
        "weight",
        "aligned_to",
        "supported_by",
        *ProgressColumns.progress_fields,
    ]
    readonly_fields = ["supported_by", *ProgressColumns.progress_fields]
    inlines = [MetricInline]
    history_list_display = ["code", "title", "term", "weight"]

    def visible(self, user):
        return goals_visible.visible_objectives(user)

    @admin.display(description="Plan", ordering="goal__plan__title")
    def plan(self, obj) -> str:
        return str(obj.goal.plan)

    @admin.display(description="Supported by initiatives")
    def supported_by(self, obj) -> str:
        initiatives = obj.initiatives.order_by("code") if obj.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:initiatives_initiative_change", args=[i.pk]), str(i)) for i in initiatives),
        )
        return links or "No initiative supports this objective yet."


class ReadingInline(PlanboardInline, admin.TabularInline):
    model = MetricReading
    fields = ["period_end", "value", "note", "entered_by"]
    readonly_fields = ["entered_by"]
    ordering = ["-period_end"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entered_by")


@admin.register(Metric)
class MetricAdmin(ProgressColumns, PlanboardAdmin):
    rules = services.METRIC_RULES
    create_service = staticmethod(services.metric_create)
    update_service = staticmethod(services.metric_update)
    delete_service = staticmethod(services.metric_delete)
    plan_path = "objective__goal__plan"
    parent_field = "objective"
    list_display = [
        "name",
        "objective",
        "unit",
        "baseline",
        "target",
        "target_date",
        "frequency",
        "owner",
        "progress_display",
        "health_display",
    ]
    list_filter = [("objective__goal__plan", ONLY_RELATED), "frequency", "direction", "health"]
    search_fields = ["name", "description", "objective__code", "objective__title"]
    list_select_related = ["objective__goal__plan", "owner"]
    autocomplete_fields = ["objective"]
    fieldsets = [
        (None, {"fields": ["objective", "name", "description", "unit", "direction", "frequency", "owner"]}),
        ("Baseline and target", {"fields": ["baseline", "baseline_date", "target", "target_date"]}),
        ("Progress (computed by Planboard)", {"fields": ProgressColumns.progress_fields}),
    ]
    readonly_fields = ProgressColumns.progress_fields
    inlines = [ReadingInline]
    history_list_display = ["name", "baseline", "target", "target_date"]

    def visible(self, user):
        return goals_visible.visible_metrics(user)

    def save_formset(self, request, form, formset, change):
        for reading_form in formset.forms:
            if reading_form.has_changed():
                reading_form.instance.entered_by = request.user
        super().save_formset(request, form, formset, change)


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
