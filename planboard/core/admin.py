"""What every Planboard admin page shares: permissions from `planboard.core.permissions`, read-only
audit history, and marking a plan's cached figures for recalculation when its data is saved.

Django's per-model permission table is not consulted. Staff status still decides who may log in
to the admin; after that, each admin class answers from the permissions module:

- `visible(user)`: the rows the user may read (one of the `visible_*` functions);
- `may_add(user)`: whether to offer "Add" at all (the chosen plan is checked when the form is saved);
- `may_change(user, obj)` / `may_delete(user, obj)`: the per-object rules;
- `refuse_save(request, obj, form)`: the rule applied to the object *as the form left it*, so that
  nobody moves an object into a plan they may not edit; the refusal is a field error.

History pages are read-only: there is no "Revert", and a past version opens with every field
read-only. Saves through the admin are recorded with the signed-in user (simple-history's
request middleware) and the reason "Edited in the admin".
"""

from operator import attrgetter

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from goals.models import Metric, Plan
from goals.services import plan_mark_changed
from initiatives.models import Initiative
from planboard.core import permissions
from planboard.core.exceptions import ConflictError

ADMIN_REASON = "Edited in the admin"
SEEN_VERSION = "seen_version"


# --- Coarse gates: whether to offer "Add" / "Change" at all -------------------------------------


def may_edit_some_plan(user) -> bool:
    """Administrators, plan editors and department liaisons edit the structure of some plan."""
    who = permissions.actor(user)
    return who.is_editor or bool(who.liaison_department_ids)


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


# --- Forms ----------------------------------------------------------------------------------------


class PlanboardForm(forms.ModelForm):
    """A model form that refuses lost updates and saves the user may not make.

    `seen_version` carries the version the user opened; if someone saved the object since, the
    form is refused with the same message as the API's 409. `refuse_save` is set by the admin.
    """

    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    refuse_save = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            self.fields[SEEN_VERSION].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get(SEEN_VERSION)
        if seen is not None and self.instance.pk is not None and seen != getattr(self.instance, "version", seen):
            raise ValidationError(str(ConflictError(self.instance)), code="stale_version")
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors or self.refuse_save is None:
            return
        refusal = self.refuse_save(self.instance, self)
        if refusal is not None:
            field, message = refusal
            self.add_error(field if field in self.fields else None, message)


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


# --- Model admins ---------------------------------------------------------------------------------


class PermissionsMixin:
    """Permissions, querysets and recalculation for a ModelAdmin (see the module docstring)."""

    # Lookup from this model to its Plan ("goal__plan"), "pk" for Plan itself, None if no plan.
    plan_path: str | None = None
    # Whether saving this model changes figures the progress engine computes.
    recalculates = True
    # The form field a refusal is shown against (the parent the user picked).
    parent_field: str | None = None

    def visible(self, user) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must say which rows a user may read.")

    def may_add(self, user) -> bool:
        return may_edit_some_plan(user)

    def may_change(self, user, obj: Model) -> bool:
        plan = self.plan_of(obj)
        return plan is not None and permissions.can_edit_plan(user, plan)

    def may_delete(self, user, obj: Model) -> bool:
        return self.may_change(user, obj)

    def refuse_save(self, request: HttpRequest, obj: Model, form: forms.ModelForm) -> tuple[str | None, str] | None:
        """Why the user may not store `obj` as the form left it (field, message), or None."""
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

    def plan_ids(self, pks) -> set[int]:
        """The plans the given rows belong to, read from the database in one query."""
        if self.plan_path is None or not self.recalculates:
            return set()
        rows = self.model._default_manager.filter(pk__in=pks).values_list(self.plan_path, flat=True)
        return {plan_id for plan_id in rows if plan_id is not None}

    @staticmethod
    def mark_plans_changed(plan_ids: set[int], *, after_delete: bool = False) -> None:
        if after_delete and plan_ids:
            # Deleting a plan itself leaves nothing to recalculate.
            plan_ids = set(Plan.objects.filter(pk__in=plan_ids).values_list("pk", flat=True))
        for plan_id in sorted(plan_ids):
            plan_mark_changed(plan_id=plan_id)

    # -- Django admin hooks

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
        if not issubclass(form, PlanboardForm):
            return form
        admin_self = self

        def refuse(instance, bound_form):
            return admin_self.refuse_save(request, instance, bound_form)

        return type(form.__name__, (form,), {"refuse_save": staticmethod(refuse)})

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

    def change_reason(self, obj: Model, change: bool) -> str:
        """The reason recorded in the audit history for a save made through this page."""
        return ADMIN_REASON

    def save_model(self, request, obj, form, change):
        before = self.plan_ids([obj.pk]) if change else set()
        obj._change_reason = self.change_reason(obj, change)
        super().save_model(request, obj, form, change)
        self.mark_plans_changed(before | self.plan_ids([obj.pk]))

    def save_formset(self, request, form, formset, change):
        """Save inline rows one by one so that each is audited with the reason and the user."""
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            gone._change_reason = ADMIN_REASON
            gone._history_user = request.user
            gone.delete()
        for instance in instances:
            instance._change_reason = ADMIN_REASON
            instance._history_user = request.user
            instance.save()
        formset.save_m2m()

    def delete_model(self, request, obj):
        plans = self.plan_ids([obj.pk])
        obj._change_reason = ADMIN_REASON
        super().delete_model(request, obj)
        self.mark_plans_changed(plans, after_delete=True)

    def delete_queryset(self, request, queryset):
        plans = self.plan_ids(queryset.values("pk"))
        super().delete_queryset(request, queryset)
        self.mark_plans_changed(plans, after_delete=True)


class PlanboardAdmin(PermissionsMixin, SimpleHistoryAdmin):
    """A model admin with permissions from planboard.core.permissions and read-only audit history."""

    form = PlanboardForm
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
    """Mixin for inlines: whoever may change the parent may change its rows."""

    extra = 0
    show_change_link = True

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

    def get_formset(self, request, obj=None, **kwargs):
        # Remembered so that choices can be narrowed to the parent's plan (formfield_for_foreignkey).
        self.parent_object = obj
        return super().get_formset(request, obj, **kwargs)


# --- Columns shared by the models that cache progress ---------------------------------------------


def as_percent(value: float | None) -> str:
    """0.456 → "46%"; None (nothing to measure) → "not measured", never 0%."""
    return "not measured" if value is None else f"{value:.0%}"


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
