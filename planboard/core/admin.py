"""What every Planboard admin page shares: permissions from `planboard.core.permissions`, writes
through the named services, and read-only audit history. Imports no app: each app's admin module
hands its model admins their rules and services.

Django's per-model permission table is not consulted. Staff status still decides who may log in
to the admin; after that, each admin class answers from the permissions module:

- `visible(user)`: the rows the user may read (one of the `visible_*` functions);
- `may_add(user)`: whether to offer "Add" at all (the chosen plan is checked by the service);
- `rules`: the model's ItemRules from its services module, whose `may_change` / `may_remove`
  answer `may_change(user, obj)` / `may_delete(user, obj)` (an admin may narrow them further);
- `create_service`, `update_service`, `delete_service`: the model's named services. Adding,
  changing and deleting a row, one or selected, on its own page or as an inline row, go through
  them; planboard/core/admin_writes.py says how their refusals reach the form.

An admin without an update service saves directly, audited with the user and the reason,
checks `refuse_save(request, obj, form)` (the rule applied to the object as the form left it)
and announces the plans it feeds through `plans_changed`, a hook of the app's admin. Every model
with editable rows now has services; status updates are posted through their own form
(initiatives.admin.status_updates) and snapshots are read-only.

History pages are read-only: there is no "Revert", and a past version opens with every field
read-only. Saves through the admin are recorded with the signed-in user and the reason
"Edited in the admin".
"""

from operator import attrgetter

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from planboard.core import display, permissions
from planboard.core.admin_writes import ADMIN_REASON as ADMIN_REASON  # the apps' admins name it here
from planboard.core.admin_writes import SEEN_VERSION, AdminWrites, PlanboardInlineFormSet
from planboard.core.exceptions import ConflictError

# --- Coarse gates: whether to offer "Add" / "Change" at all -------------------------------------


def may_edit_some_plan(user) -> bool:
    """Administrators, plan editors and department liaisons edit the structure of some plan."""
    who = permissions.actor(user)
    return who.is_editor or bool(who.liaison_department_ids)


# --- Forms ----------------------------------------------------------------------------------------


class PlanboardForm(forms.ModelForm):
    """A model form whose row is checked by the admin that writes it, while the form is validated.

    `seen_version` carries the version the user opened. The admin (`get_form`, or an inline's
    `get_formset`) sets `model_admin`, the admin whose services write the row, and `request`.
    """

    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    model_admin = None
    request = None
    refusal_field: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            self.fields[SEEN_VERSION].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # What the fields read, before the model's own validation runs (_post_clean, next): once
        # every field could be read, the row goes to the service even if the model refused it, so
        # the errors shown are the service's, in the order and the words the API gives them.
        self.values_read = None if self._errors else dict(cleaned)
        return cleaned

    def full_clean(self) -> None:
        self.values_read = None
        super().full_clean()
        # An unchanged row (an inline row left alone, one shown read-only) is not written at all.
        if not self.is_bound or self.model_admin is None or not self.has_changed():
            return
        if self.model_admin.writes_through_services():
            if self.values_read is not None:
                self.model_admin.check_write(self, self.request.user, self.refusal_field)
        elif not self._errors:
            self._check_directly()

    def _check_directly(self) -> None:
        """For rows the admin still saves itself: the version, then the admin's `refuse_save`."""
        seen = self.cleaned_data.get(SEEN_VERSION)
        if seen is not None and self.instance.pk is not None and seen != getattr(self.instance, "version", seen):
            self.add_error(None, ValidationError(str(ConflictError(self.instance)), code="stale_version"))
            return
        refusal = self.model_admin.refuse_save(self.request, self.instance, self)
        if refusal is not None:
            field, message = refusal
            self.add_error(field if field in self.fields else None, message)


def bound_to(form: type[forms.ModelForm], model_admin, request, refusal_field: str | None = None) -> type:
    """`form` with the admin that writes its rows and the request, for PlanboardForm.full_clean."""
    if not issubclass(form, PlanboardForm) or model_admin is None:
        return form
    attrs = {"model_admin": model_admin, "request": request, "refusal_field": refusal_field}
    return type(form.__name__, (form,), attrs)


# --- Choices in forms -----------------------------------------------------------------------------


def choices_for(admin_site, db_field, request) -> QuerySet | None:
    """The rows a form may offer for a relation: what the user can see, active users for people."""
    model = db_field.remote_field.model
    if model is get_user_model():
        return model._default_manager.filter(is_active=True).order_by("username")
    related = admin_site._registry.get(model)
    if isinstance(related, PermissionsMixin):
        return related.get_queryset(request)
    return None


def offer_only(field: forms.ModelChoiceField, offered: QuerySet) -> None:
    """Show only `offered` among the field's choices. The field still accepts what it did (the rows
    the user can see), so a choice from elsewhere (a stale page, a crafted post) reaches the
    service, which refuses it in the same words as the API."""
    choices = field.iterator(field)
    choices.queryset = field.queryset.filter(pk__in=offered.values("pk"))
    field.widget.choices = choices


# --- Model admins ---------------------------------------------------------------------------------


class PermissionsMixin(AdminWrites):
    """Permissions, querysets and writes for a ModelAdmin (see the module docstring)."""

    # Lookup from this model to its Plan ("goal__plan"), "pk" for Plan itself, None if no plan.
    plan_path: str | None = None
    # The form field a refusal without a field of its own is shown against (the parent the user picked).
    parent_field: str | None = None
    # The model's ItemRules (from its services module), for the object-level permission.
    rules = None

    def visible(self, user) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must say which rows a user may read.")

    def may_add(self, user) -> bool:
        return may_edit_some_plan(user)

    def may_change(self, user, obj: Model) -> bool:
        if self.rules is not None:
            return self.rules.may_change(user, obj)
        plan = self.plan_of(obj)
        return plan is not None and permissions.can_edit_plan(user, plan)

    def may_delete(self, user, obj: Model) -> bool:
        if self.rules is not None:
            return self.rules.may_remove(user, obj)
        return self.may_change(user, obj)

    def refuse_save(self, request: HttpRequest, obj: Model, form: forms.ModelForm) -> tuple[str | None, str] | None:
        """For rows saved directly: why the user may not store `obj` as the form left it (field, message)."""
        if self.may_change(request.user, obj):
            return None
        plan = self.plan_of(obj)
        return self.parent_field, f"You may not change the plan “{plan}”; choose one you are allowed to edit."

    # -- helpers

    def plan_of(self, obj: Model):
        if self.plan_path is None:
            return None
        if self.plan_path == "pk":
            return obj
        try:
            return attrgetter(self.plan_path.replace("__", "."))(obj)
        except (AttributeError, ObjectDoesNotExist):
            return None

    # -- Django admin hooks: reading and permissions

    def get_queryset(self, request):
        queryset = self.visible(request.user)
        # The plan is needed for every permission check; the change list skips list_select_related
        # once anything is selected, so both are joined here.
        related = [self.plan_path] if self.plan_path not in (None, "pk") else []
        if isinstance(self.list_select_related, (list, tuple)):
            related += self.list_select_related
        if related:
            queryset = queryset.select_related(*related)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_field_queryset(self, db, db_field, request):
        choices = choices_for(self.admin_site, db_field, request)
        return choices if choices is not None else super().get_field_queryset(db, db_field, request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._planboard_visible = True
        return obj

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None or getattr(obj, "_planboard_visible", False):
            return True
        # Reached for the history of a row not fetched through get_object, e.g. a deleted one:
        # administrators may read the history of anything, others what they can still see.
        return permissions.actor(request.user).is_admin or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request) and self.may_add(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return self.may_add(request.user) if obj is None else self.may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return self.may_add(request.user) if obj is None else self.may_delete(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return bound_to(form, self, request, self.parent_field)

    def get_fieldsets(self, request, obj=None):
        """Carry the version the user opened only on forms they may save."""
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != SEEN_VERSION]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and hasattr(obj, "version") and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], SEEN_VERSION]})
        return fieldsets


class PlanboardAdmin(PermissionsMixin, SimpleHistoryAdmin):
    """A model admin with permissions from planboard.core.permissions and read-only audit history."""

    form = PlanboardForm
    delete_confirmation_template = "admin/planboard_delete_confirmation.html"
    # The field a new row's slug is filled in from, as the user types.
    slug_from: str | None = None

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, every field read-only; it can never be saved back."""
        if request.method != "GET":
            raise PermissionDenied("Audit history is read-only.")
        request._planboard_history_view = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_fields(self) -> list[str]:
        """The fields the audit history records (many-to-many links are shown on the history list)."""
        return [f.name for f in self.model.history.model.tracked_fields if not f.primary_key]

    def get_fieldsets(self, request, obj=None):
        if getattr(request, "_planboard_history_view", False):
            return [(None, {"fields": self.history_fields()})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "_planboard_history_view", False):
            return self.history_fields()
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        # Not the `prepopulated_fields` attribute: simple-history hands that to its read-only
        # past-version form, where the slug is not an input and would crash the page.
        if getattr(request, "_planboard_history_view", False) or self.slug_from is None:
            return {}
        return {"slug": [self.slug_from]}


class PlanboardReadAdmin(PermissionsMixin, admin.ModelAdmin):
    """For rows that keep no audit history of their own (append-only or computed)."""

    form = PlanboardForm


class PlanboardInline:
    """Mixin for inlines: whoever may change the parent may change its rows, and each row is written
    through the services of its model's own admin (see PermissionsMixin.save_formset)."""

    extra = 0
    show_change_link = True
    form = PlanboardForm
    formset = PlanboardInlineFormSet

    def parent_admin(self):
        return self.admin_site.get_model_admin(self.parent_model)

    def parent_may_change(self, request, obj) -> bool:
        parent = self.parent_admin()
        return parent.has_add_permission(request) if obj is None else parent.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.parent_may_change(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.parent_may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.parent_may_change(request, obj)

    def get_field_queryset(self, db, db_field, request):
        choices = choices_for(self.admin_site, db_field, request)
        return choices if choices is not None else super().get_field_queryset(db, db_field, request)

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != SEEN_VERSION]
        if any(f.name == "version" for f in self.model._meta.concrete_fields) and self.parent_may_change(request, obj):
            fields.append(SEEN_VERSION)  # each row carries the version it was shown at
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        # Remembered so that choices can be narrowed to the parent's plan (formfield_for_foreignkey).
        self.parent_object = obj
        formset = super().get_formset(request, obj, **kwargs)
        rows_admin = self.parent_admin().rows_admin(self.model)
        attrs = {"form": bound_to(formset.form, rows_admin, request), "rows_admin": rows_admin, "request": request}
        return type(formset.__name__, (formset,), attrs)


# --- Columns shared by the models that cache progress ---------------------------------------------


def as_percent(value: float | None) -> str:
    """0.456 → "46%"; None (nothing to measure) → "not measured", never 0%."""
    return display.percent_shown(value, none="not measured")


class ProgressColumns:
    """The cached figures written by the progress engine, for list_display and readonly_fields."""

    @admin.display(description="Progress", ordering="progress")
    def progress_display(self, obj) -> str:
        return as_percent(obj.progress)

    @admin.display(description="Expected (pace)", ordering="pace")
    def pace_display(self, obj) -> str:
        return as_percent(obj.pace)

    @admin.display(description="Health", ordering="health")
    def health_display(self, obj) -> str:
        return obj.get_health_display() or "not computed"

    progress_fields = ["progress_display", "pace_display", "health_display", "computed_at"]
