"""Admin pages for a plan's structure: the plan with the pillars, business drivers and themes that
hang directly off it, then the chain goal → objective → metric. Each page lists its children
inline, links to their own pages, and is written through its model's named services
(goals.services); a metric's readings are listed with goals.admin.readings' inline."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join

from goals import services
from goals import visibility as goals_visible
from goals.admin.common import ONLY_RELATED
from goals.admin.readings import ReadingInline
from goals.models import BusinessDriver, Goal, Metric, Objective, Pillar, Plan, Theme
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin, PlanboardForm, PlanboardInline, ProgressColumns, offer_only

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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_pending_changes=Plan.pending_changes())

    @admin.display(boolean=True, description="Needs recalculation")
    def needs_recalculation(self, plan: Plan) -> bool:
        return plan.needs_recalculation

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
        ("Reporting periods", {"fields": ["reporting_cadence", "reporting_due_days", "reporting_grace_days"]}),
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


# --- Goals → objectives → metrics ----------------------------------------------------------------


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
