"""Admin pages for initiatives, their milestones and their alignment scores. Initiatives and
milestones are written through their named services (initiatives.services), alignment scores
through initiatives.priority.services.alignment_score_set, whose rule (whoever may edit the
initiative's plan) is the admin's too."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from goals.models import BusinessDriver, Pillar
from initiatives import services
from initiatives import visibility as initiatives_visible
from initiatives.admin.common import ONLY_RELATED, may_edit_some_initiative
from initiatives.admin.status_updates import StatusUpdateInline
from initiatives.models import AlignmentScore, Initiative, Milestone
from initiatives.priority.services import alignment_score_set
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin, PlanboardInline, ProgressColumns, may_edit_some_plan

STATUS_FIELDS = ["status", "percent_complete", "completed_date", "last_update_on"]


class MilestoneInline(PlanboardInline, admin.TabularInline):
    model = Milestone
    fields = ["title", "due", "done_on"]


class AlignmentScoreInline(PlanboardInline, admin.TabularInline):
    model = AlignmentScore
    fields = ["pillar", "driver", "score"]
    verbose_name_plural = "alignment scores (0 = not at all, 3 = strongly; one pillar or one driver per row)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "pillar", "driver")

    def parent_may_change(self, request, obj) -> bool:
        # Scores are the plan's structure (alignment_score_set): not every initiative editor's.
        if obj is None:
            return super().parent_may_change(request, obj)
        return permissions.can_edit_plan(request.user, obj.plan)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        initiative = getattr(self, "parent_object", None)
        criteria = {"pillar": Pillar, "driver": BusinessDriver}
        if db_field.name in criteria:
            model = criteria[db_field.name]
            kwargs["queryset"] = (
                model.objects.filter(plan_id=initiative.plan_id) if initiative is not None else model.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class InitiativeRules:
    """Details of an initiative: its owner, its department's members and its plan's editors."""

    plan_path = "initiative__plan"
    parent_field = "initiative"

    def may_add(self, user) -> bool:
        return may_edit_some_initiative(user)

    def may_change(self, user, obj) -> bool:
        return permissions.can_edit_initiative(user, obj.initiative)


@admin.register(Initiative)
class InitiativeAdmin(ProgressColumns, PlanboardAdmin):
    rules = services.INITIATIVE_RULES
    create_service = staticmethod(services.initiative_create)
    update_service = staticmethod(services.initiative_update)
    delete_service = staticmethod(services.initiative_delete)
    plan_path = "plan"
    parent_field = "plan"
    list_display = [
        "code",
        "title",
        "plan",
        "department",
        "owner",
        "status",
        "percent_complete",
        "progress_display",
        "health_display",
        "target_date",
        "last_update_on",
    ]
    list_filter = [
        ("plan", ONLY_RELATED),
        ("department", ONLY_RELATED),
        "status",
        "term",
        "health",
        ("theme", ONLY_RELATED),
    ]
    search_fields = ["code", "title", "description"]
    list_select_related = ["plan", "department", "owner"]
    autocomplete_fields = ["plan", "theme", "department", "supports", "aligned_to"]
    readonly_fields = [
        *STATUS_FIELDS,
        "post_update",
        *ProgressColumns.progress_fields,
        "priority_score",
        "priority_rank",
    ]
    fieldsets = [
        (None, {"fields": ["plan", "code", "title", "description", "theme", "term", "department", "owner"]}),
        ("Status (moved by status updates)", {"fields": [*STATUS_FIELDS, "post_update"]}),
        (
            "Dates and budget",
            {
                "fields": [
                    "start_date",
                    "target_date",
                    "budget_estimate",
                    "budget_actual",
                    "update_cadence_days",
                ]
            },
        ),
        ("Alignment", {"fields": ["supports", "aligned_to"]}),
        (
            "Progress (computed by Planboard)",
            {
                "fields": [
                    *ProgressColumns.progress_fields,
                    "priority_score",
                    "priority_rank",
                ]
            },
        ),
    ]
    inlines = [MilestoneInline, AlignmentScoreInline, StatusUpdateInline]
    history_list_display = ["title", "reported_status", "percent_complete", "target_date"]

    def visible(self, user):
        return initiatives_visible.visible_initiatives(user)

    def may_add(self, user) -> bool:
        return may_edit_some_initiative(user)

    @admin.display(description="Status update")
    def post_update(self, obj) -> str:
        if obj.pk is None:
            return "Save the initiative first, then post its first status update."
        url = f"{reverse('admin:initiatives_statusupdate_add')}?{urlencode({'initiative': obj.pk})}"
        return format_html(
            '<a href="{}">Post a status update</a> — the only way to change the status and percent complete.', url
        )

    def reported_status(self, record) -> str:
        return record.get_status_display()

    reported_status.short_description = "Reported status"


@admin.register(Milestone)
class MilestoneAdmin(InitiativeRules, PlanboardAdmin):
    rules = services.MILESTONE_RULES
    create_service = staticmethod(services.milestone_create)
    update_service = staticmethod(services.milestone_update)
    delete_service = staticmethod(services.milestone_delete)
    list_display = ["title", "initiative", "due", "done_on"]
    list_filter = [("initiative__plan", ONLY_RELATED), "due"]
    search_fields = ["title", "initiative__code", "initiative__title"]
    list_select_related = ["initiative"]
    autocomplete_fields = ["initiative"]
    fields = ["initiative", "title", "due", "done_on"]
    history_list_display = ["title", "due", "done_on"]

    def visible(self, user):
        return initiatives_visible.visible_milestones(user)


def _criterion(data: dict):
    """The one pillar or business driver a score posted in the admin is for (the model's rule, in its words)."""
    pillar, driver = data.get("pillar"), data.get("driver")
    if pillar is not None and driver is not None:
        raise ValidationError({"driver": "A score is for one pillar or one business driver, not both; clear one."})
    if pillar is None and driver is None:
        raise ValidationError({"pillar": "Choose the pillar or the business driver this score is for."})
    return pillar or driver


def score_create(*, actor, data: dict, reason: str) -> AlignmentScore:
    """A new score from the admin, set by alignment_score_set; one score per pillar or driver."""
    initiative, criterion = data["initiative"], _criterion(data)
    field = "pillar" if isinstance(criterion, Pillar) else "driver"
    if AlignmentScore.objects.filter(initiative=initiative, **{field: criterion}).exists():
        label = "pillar" if field == "pillar" else "business driver"
        message = f"This initiative already has a score for this {label}; change that score instead."
        raise ValidationError({field: message})
    return alignment_score_set(
        initiative=initiative, actor=actor, criterion=criterion, score=data["score"], reason=reason
    )


def score_update(*, instance: AlignmentScore, actor, data: dict, version: int, reason: str) -> AlignmentScore:
    """A changed score from the admin, set by alignment_score_set; its initiative and criterion stay."""
    moved = {
        name: "A score cannot be moved; delete it and score the other initiative, pillar or driver instead."
        for name in ("initiative", "pillar", "driver")
        if name in data and data[name] != getattr(instance, name)
    }
    if moved:
        raise ValidationError(moved)
    return alignment_score_set(
        initiative=instance.initiative,
        actor=actor,
        criterion=instance.pillar or instance.driver,
        score=data.get("score", instance.score),
        version=version,
        reason=reason,
    )


def score_delete(*, instance: AlignmentScore, actor, version: int | None, reason: str) -> None:
    """A score deleted in the admin: alignment_score_set with no score."""
    alignment_score_set(
        initiative=instance.initiative,
        actor=actor,
        criterion=instance.pillar or instance.driver,
        score=None,
        version=version,
        reason=reason,
    )


@admin.register(AlignmentScore)
class AlignmentScoreAdmin(PlanboardAdmin):
    """Scores, written through alignment_score_set (which re-ranks the plan): whoever may edit
    the initiative's plan scores it, as on the priority page."""

    create_service = staticmethod(score_create)
    update_service = staticmethod(score_update)
    delete_service = staticmethod(score_delete)
    plan_path = "initiative__plan"
    parent_field = "initiative"
    list_display = ["initiative", "pillar", "driver", "score"]
    list_filter = [("initiative__plan", ONLY_RELATED), "score"]
    search_fields = ["initiative__code", "initiative__title", "pillar__name", "driver__name"]
    list_select_related = ["initiative", "pillar", "driver"]
    autocomplete_fields = ["initiative", "pillar", "driver"]
    fields = ["initiative", "pillar", "driver", "score"]
    history_list_display = ["score"]

    def visible(self, user):
        return AlignmentScore.objects.filter(initiative__in=initiatives_visible.visible_initiatives(user))

    def may_add(self, user) -> bool:
        return may_edit_some_plan(user)

    def may_change(self, user, obj) -> bool:
        return permissions.can_edit_plan(user, obj.initiative.plan)

    def get_readonly_fields(self, request, obj=None):
        # Which initiative and criterion a score is for is set when it is first scored.
        fixed = ["initiative", "pillar", "driver"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]
