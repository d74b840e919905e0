"""Admin pages for initiatives, their milestones, alignment scores and status updates, and IT requests.

An initiative's status and percent complete are moved only by status updates, which the admin
posts through `initiative_post_update` (permission, version and validation rules included);
status updates are never changed or deleted. Permissions come from planboard.core.permissions.

Initiatives, milestones and IT requests are written through their named services
(initiatives.services, initiatives.it_requests), with the same rules as the API; alignment
scores are still saved directly (audited, their plan marked for recalculation).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from goals.admin.common import RecalculatesPlans
from goals.models import BusinessDriver, Pillar
from initiatives import services
from initiatives import visibility as initiatives_visible
from initiatives.it_requests import services as it_requests
from initiatives.models import AlignmentScore, Initiative, ITRequest, Milestone, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.core import permissions
from planboard.core.admin import (
    PlanboardAdmin,
    PlanboardInline,
    PlanboardReadAdmin,
    ProgressColumns,
    may_edit_some_plan,
)
from planboard.core.exceptions import ConflictError

ONLY_RELATED = admin.RelatedOnlyFieldListFilter
STATUS_FIELDS = ["status", "percent_complete", "completed_date", "last_update_on"]


def may_edit_some_initiative(user) -> bool:
    """Besides plan editors: department members and initiative owners (see can_edit_initiative)."""
    who = permissions.actor(user)
    if who.is_anonymous:
        return False
    if may_edit_some_plan(user) or who.department_ids:
        return True
    if not hasattr(user, "_planboard_owns_initiatives"):
        user._planboard_owns_initiatives = Initiative.objects.filter(owner=user).exists()
    return user._planboard_owns_initiatives


# --- Status updates: appended through the service, never changed --------------------------------


class StatusUpdateForm(forms.ModelForm):
    """Posts a status update through `initiative_post_update` while the form is validated.

    Validating and storing in one step is what lets the service's refusals (a stale version,
    no permission, a bad value) come back as form errors instead of a server error; the admin
    runs the whole request in one transaction, so a refused update leaves nothing behind.

    `opened_version` is "<initiative id>:<version>" when the page was opened from an initiative,
    and the update is refused if that initiative changed since. An initiative picked on this
    page was not shown before, so its current version is the one the author saw.
    """

    opened_version = forms.CharField(required=False, widget=forms.HiddenInput)
    author = None

    class Meta:
        model = StatusUpdate
        fields = ["initiative", "as_of", "status", "percent_complete", "narrative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "as_of" not in self.fields:
            return  # an existing update, shown read-only
        self.fields["as_of"].initial = timezone.localdate
        opened_from = self.initial.get("initiative")
        if opened_from and not self.is_bound:
            version = Initiative.objects.filter(pk=opened_from).values_list("version", flat=True).first()
            if version is not None:
                self.fields["opened_version"].initial = f"{opened_from}:{version}"

    def version_seen(self, initiative: Initiative) -> int:
        pk, _, version = (self.cleaned_data.get("opened_version") or "").partition(":")
        if pk == str(initiative.pk) and version.isdigit():
            return int(version)
        return initiative.version

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors:
            return
        data = self.cleaned_data
        initiative = data["initiative"]
        try:
            self.instance = initiative_post_update(
                initiative=initiative,
                author=self.author,
                status=data["status"],
                percent_complete=data["percent_complete"],
                narrative=data["narrative"],
                as_of=data["as_of"],
                version=self.version_seen(initiative),
            )
        except ConflictError as conflict:
            self.add_error(None, str(conflict))
        except PermissionDenied as denied:
            self.add_error("initiative", str(denied) or "You may not post updates for this initiative.")
        except ValidationError as invalid:
            self.add_error(None, invalid)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(PlanboardReadAdmin):
    plan_path = "initiative__plan"
    form = StatusUpdateForm
    list_display = ["initiative", "as_of", "status", "percent_complete", "author", "created_at"]
    list_filter = ["status", ("initiative__plan", ONLY_RELATED)]
    search_fields = ["initiative__code", "initiative__title", "narrative"]
    list_select_related = ["initiative", "author"]
    autocomplete_fields = ["initiative"]

    def visible(self, user):
        return StatusUpdate.objects.filter(initiative__in=initiatives_visible.visible_initiatives(user))

    def may_add(self, user) -> bool:
        return may_edit_some_initiative(user)

    def may_change(self, user, obj) -> bool:
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["initiative", "as_of", "status", "percent_complete", "narrative", "opened_version"]
        return ["initiative", "as_of", "status", "percent_complete", "narrative", "author", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"author": request.user})

    def save_model(self, request, obj, form, change):
        """Nothing to do: validating the form posted the update through the service."""


class StatusUpdateInline(PlanboardInline, admin.TabularInline):
    model = StatusUpdate
    fields = ["as_of", "status", "percent_complete", "narrative", "author", "created_at"]
    readonly_fields = fields
    ordering = ["-as_of", "-created_at"]
    can_delete = False
    verbose_name_plural = "status updates (a permanent record: post a new one to change the status)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Initiatives -----------------------------------------------------------------------------------


class MilestoneInline(PlanboardInline, admin.TabularInline):
    model = Milestone
    fields = ["title", "due", "done_on"]


class AlignmentScoreInline(PlanboardInline, admin.TabularInline):
    model = AlignmentScore
    fields = ["pillar", "driver", "score"]
    verbose_name_plural = "alignment scores (0 = not at all, 3 = strongly; one pillar or one driver per row)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "pillar", "driver")

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

    def refuse_save(self, request, obj, form):
        if self.may_change(request.user, obj):
            return None
        return "initiative", f"You may not change the initiative “{obj.initiative}”."


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


@admin.register(AlignmentScore)
class AlignmentScoreAdmin(RecalculatesPlans, InitiativeRules, PlanboardAdmin):
    list_display = ["initiative", "pillar", "driver", "score"]
    list_filter = [("initiative__plan", ONLY_RELATED), "score"]
    search_fields = ["initiative__code", "initiative__title", "pillar__name", "driver__name"]
    list_select_related = ["initiative", "pillar", "driver"]
    autocomplete_fields = ["initiative", "pillar", "driver"]
    fields = ["initiative", "pillar", "driver", "score"]
    history_list_display = ["score"]

    def visible(self, user):
        return AlignmentScore.objects.filter(initiative__in=initiatives_visible.visible_initiatives(user))


# --- IT requests -------------------------------------------------------------------------------------


DECISION_FIELDS = ["requested_by", "submitted_at", "decided_by", "decided_at", "exception_by", "exception_at"]
DECIDED = (ITRequest.State.APPROVED, ITRequest.State.REJECTED)


@admin.register(ITRequest)
class ITRequestAdmin(PlanboardAdmin):
    """A department's liaison drafts and submits; the CIO alone approves, rejects or grants an exception.

    The request's fields are written through it_request_file / it_request_update (drafts only, as
    in the API); the state and the exception move through the spend-gate transitions afterwards,
    which record who decided and when from the signed-in user. IT requests do not enter the
    progress figures, so saving one does not mark the plan for recalculation.
    """

    rules = it_requests.IT_REQUEST_RULES
    create_service = staticmethod(it_requests.it_request_file)
    update_service = staticmethod(it_requests.it_request_update)
    delete_service = staticmethod(it_requests.it_request_delete)
    plan_path = "plan"
    parent_field = "department"
    list_display = ["title", "department", "plan", "fiscal_year", "amount", "state", "has_exception", "requested_by"]
    list_filter = ["state", "fiscal_year", ("department", ONLY_RELATED), ("plan", ONLY_RELATED)]
    search_fields = ["title", "justification", "department__name"]
    list_select_related = ["department", "plan", "requested_by"]
    autocomplete_fields = ["department", "plan", "objectives"]
    fieldsets = [
        (None, {"fields": ["department", "plan", "title", "justification", "amount", "fiscal_year", "objectives"]}),
        ("Decision", {"fields": ["state", "exception_reason", *DECISION_FIELDS]}),
    ]
    readonly_fields = DECISION_FIELDS
    history_list_display = ["state", "amount", "exception_reason"]

    def visible(self, user):
        return initiatives_visible.visible_it_requests(user)

    def may_add(self, user) -> bool:
        who = permissions.actor(user)
        return who.is_admin or bool(who.liaison_department_ids)

    def may_change(self, user, obj) -> bool:
        if not permissions.can_edit_it_request(user, obj):
            return False
        return permissions.can_decide_it_request(user) or obj.state not in DECIDED

    def may_delete(self, user, obj) -> bool:
        return obj.state == ITRequest.State.DRAFT and permissions.can_edit_it_request(user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if permissions.can_decide_it_request(request.user):
            return readonly
        return [*readonly, "exception_reason"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "state" and not permissions.can_decide_it_request(request.user):
            kwargs["choices"] = [(s.value, s.label) for s in (ITRequest.State.DRAFT, ITRequest.State.SUBMITTED)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="CIO exception", boolean=True)
    def has_exception(self, obj) -> bool:
        return obj.has_exception

    def service_data(self, form, creating: bool) -> dict:
        # State and exception move only through the spend-gate transitions (save_related).
        data = super().service_data(form, creating)
        return {name: value for name, value in data.items() if name not in ("state", "exception_reason")}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance  # the request as the service stored it
        state = form.cleaned_data.get("state", obj.state)
        reason = form.cleaned_data.get("exception_reason", obj.exception_reason)
        try:
            steps = it_requests.it_request_steps(obj, state=state, exception_reason=reason)
            it_requests.it_request_apply(request=obj, actor=request.user, steps=steps, exception_reason=reason)
        except (ValidationError, PermissionDenied) as error:
            problems = error.messages if isinstance(error, ValidationError) else [str(error)]
            messages.error(request, "The state was not changed: " + " ".join(problems))
