"""The admin page for IT requests: a department's liaison drafts and submits, the CIO decides. The
request's fields are written through initiatives.it_requests' services, its state through the
spend-gate transitions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives import visibility as initiatives_visible
from initiatives.admin.common import ONLY_RELATED
from initiatives.it_requests import services as it_requests
from initiatives.models import ITRequest
from planboard.core import permissions
from planboard.core.admin import PlanboardAdmin

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
