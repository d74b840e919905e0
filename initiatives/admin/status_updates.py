"""Admin pages for status updates, the only way the admin moves an initiative's status and percent
complete: `StatusUpdateForm` posts one through `initiative_post_update` while the form is
validated; once posted, an update is never changed or deleted (`StatusUpdateInline` lists them
on the initiative's page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from initiatives import visibility as initiatives_visible
from initiatives.admin.common import ONLY_RELATED, may_edit_some_initiative
from initiatives.models import Initiative, StatusUpdate
from initiatives.reopening import REOPEN_REASON_MAX
from initiatives.services import initiative_post_update
from planboard.core.admin import PlanboardInline, PlanboardReadAdmin
from planboard.core.exceptions import ConflictError


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
    reopen_reason = forms.CharField(
        label="Reason for reopening",
        required=False,
        max_length=REOPEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the initiative is completed and this update, the newest, gives another status: "
        "why it is reopened. Kept in the initiative's history.",
    )
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
                reopen_reason=data.get("reopen_reason", ""),
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
            return ["initiative", "as_of", "status", "percent_complete", "narrative", "reopen_reason", "opened_version"]
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
