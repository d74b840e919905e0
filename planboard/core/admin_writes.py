"""How an admin page writes a row: through the named services the admin class is given.

A model admin (or the admin of an inline's rows) names its model's three services, exactly as
the API viewsets do:

    create_service = staticmethod(goal_create)   # (*, actor, data, reason)
    update_service = staticmethod(goal_update)   # (*, instance, actor, data, version, reason)
    delete_service = staticmethod(goal_delete)   # (*, instance, actor, version, reason)

so a save in the admin meets the same permission, version, fixed-parent and link rules as the
API, the forms and the imports, and is audited and marked for recalculation by the service. The
audit reason is "Edited in the admin"; the history user is the signed-in user.

Validating through the service. A refusal (ValidationError by field, PermissionDenied,
ConflictError for a stale `seen_version`) has to come back as an error on the form, with nothing
stored, yet Django saves only after every form on the page is valid. So while the form is
validated, the row's write is *dry-run*: the service itself runs inside a savepoint that is then
rolled back (`dry_run`), and what it raised becomes the form's errors. Once every field could
be read, the row goes to the service even when the model's own validation (which a ModelForm
runs first) refused it, and the service's errors replace the model's: the same POST then gets
the same errors, in the same order, as the same change through the API. This was chosen over a
separate "check" step because it cannot drift from the service: every rule the service applies
(an IT request's draft-only rule included) is the rule the form reports, in the service's words.
What the dry run wrote (the row, its history, its links, the plan's dirty flag) is rolled back
with the savepoint, and callbacks it registered with `on_commit` are discarded. The stored row is
locked first, in the admin page's own transaction (Django runs every POST of a change page in
one), so the real save that follows in `save_model` finds the row as the dry run did. Should a
service still refuse then (a row whose parent is new on this page is only checked at that point),
the page's transaction is rolled back and the refusal is shown as an error message
(`AdminRefusal`): a refused write never stores anything, and never becomes a server error.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Model
from django.forms.models import BaseInlineFormSet
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect

from planboard.core.exceptions import ConflictError, Refused

ADMIN_REASON = "Edited in the admin"
SEEN_VERSION = "seen_version"
REFUSALS = (ValidationError, PermissionDenied, ConflictError)


class AdminRefusal(Exception):
    """A service refused a write after the page had validated; the admin shows `str(self)`."""


def in_words(refusal: Exception) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


def dry_run(write: Callable[[], object]) -> None:
    """Run `write` and roll back whatever it stored; raises what it raised."""
    with transaction.atomic():
        write()
        transaction.set_rollback(True)


def stored(instance: Model) -> Model:
    """The row as stored, locked for the rest of the admin page's transaction when there is one."""
    rows = type(instance)._default_manager
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows.get(pk=instance.pk)


def take_over(obj: Model, saved: Model) -> None:
    """Make the admin's object the row the service stored: the admin goes on with its own object
    (inline rows hang off it, the log and the redirect name it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db
    obj._state.fields_cache = dict(saved._state.fields_cache)


def values(form: forms.ModelForm) -> dict:
    """What the form's fields read (PlanboardForm.values_read), before any model validation."""
    read = getattr(form, "values_read", None)
    return form.cleaned_data if read is None else read


def seen_version(form: forms.ModelForm) -> int | None:
    """The version the user opened; a form without one was opened at the version just loaded
    (None for a model that keeps no version, such as a department membership)."""
    seen = values(form).get(SEEN_VERSION)
    return getattr(form.instance, "version", None) if seen is None else seen


def put_errors(form: forms.ModelForm, refusal: Exception, field: str | None = None) -> None:
    """A service's refusal as form errors: by field where the form shows that field, else for the
    form as a whole. A permission refusal goes against the field it names (or `field`)."""

    def shown(name: str | None) -> str | None:
        return name if name in form.fields and not form.fields[name].widget.is_hidden else None

    if isinstance(refusal, ValidationError) and hasattr(refusal, "error_dict"):
        for name, errors in refusal.error_dict.items():
            form.add_error(shown(name), errors)
    elif isinstance(refusal, Refused):
        form.add_error(shown(refusal.field) or shown(field), str(refusal))
    elif isinstance(refusal, PermissionDenied):
        form.add_error(shown(field), str(refusal) or "You may not make this change.")
    else:
        form.add_error(None, in_words(refusal))


class AdminWrites:
    """Mixed into PermissionsMixin: the admin's saving and deleting, through its named services,
    or directly for a model without any (audited; `plans_changed` announces the plans it feeds)."""

    create_service: Callable[..., Model] | None = None
    update_service: Callable[..., Model] | None = None
    delete_service: Callable[..., None] | None = None

    def writes_through_services(self) -> bool:
        return self.update_service is not None

    def service_data(self, form: forms.ModelForm, creating: bool) -> dict:
        """The model fields handed to the service: every one on the form for a new row, the
        changed ones for an existing row (the service leaves the others as stored)."""
        opts = self.model._meta
        names = {f.name for f in [*opts.concrete_fields, *opts.many_to_many] if not f.primary_key}
        read = values(form)
        wanted = read if creating else form.changed_data
        return {name: read[name] for name in wanted if name in names and name in read}

    def write_row(self, form: forms.ModelForm, user) -> Model | None:
        """Create or change the form's row through the services; None when nothing changed."""
        if form.instance._state.adding:
            return self.create_service(actor=user, data=self.service_data(form, True), reason=ADMIN_REASON)
        data = self.service_data(form, False)
        if not data:
            return None
        return self.update_service(
            instance=stored(form.instance), actor=user, data=data, version=seen_version(form), reason=ADMIN_REASON
        )

    def delete_row(self, instance: Model, user, version: int | None) -> None:
        self.delete_service(instance=instance, actor=user, version=version, reason=ADMIN_REASON)

    def check_write(self, form: forms.ModelForm, user, field: str | None = None) -> None:
        """Dry-run the form's write (see the module docstring). A refusal becomes the form's errors,
        in place of any the model's own validation gave: the service ran the same rules, in its order."""
        read = values(form)
        if read.get("DELETE"):
            return  # an inline row ticked for deletion: checked by its formset (PlanboardInlineFormSet)
        if form.instance._state.adding and any(isinstance(v, Model) and v.pk is None for v in read.values()):
            return  # its parent is new on this page: the service checks the row when it is saved
        try:
            dry_run(lambda: self.write_row(form, user))
        except REFUSALS as refusal:
            form._errors = ErrorDict(renderer=form.renderer)
            form.cleaned_data = dict(read)
            put_errors(form, refusal, field)

    def check_delete(self, instance: Model, user, version: int | None) -> None:
        dry_run(lambda: self.delete_row(stored(instance), user, version))

    def save_rows(self, formset, user) -> None:
        """An inline formset's rows, each through this admin's services (deleted rows first).

        Fills in what formset.save() would have (new, changed and deleted objects), for the
        admin's change message.
        """
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            for row in formset.deleted_forms:
                if row.instance.pk is not None:
                    self.delete_row(stored(row.instance), user, seen_version(row))
                    formset.deleted_objects.append(row.instance)
            for row in formset.forms:
                if row in formset.deleted_forms or not row.has_changed():
                    continue
                adding = row.instance._state.adding
                saved = self.write_row(row, user)
                if saved is not None:
                    take_over(row.instance, saved)
                    if adding:
                        formset.new_objects.append(row.instance)
                    else:
                        formset.changed_objects.append((row.instance, row.changed_data))
        except REFUSALS as refusal:
            raise AdminRefusal(f"{row.instance._meta.verbose_name.capitalize()}: {in_words(refusal)}") from refusal

    def rows_admin(self, model: type[Model]):
        """The admin that writes `model`'s rows (an inline's rows are written as on their own page)."""
        rows_admin = self.admin_site._registry.get(model)
        return rows_admin if isinstance(rows_admin, AdminWrites) else None

    def plan_ids(self, pks) -> set[int]:
        """The plans the given rows belong to, read from the database in one query."""
        if self.plan_path is None:
            return set()
        rows = self.model._default_manager.filter(pk__in=pks).values_list(self.plan_path, flat=True)
        return {plan_id for plan_id in rows if plan_id is not None}

    def plans_changed(self, plan_ids: set[int]) -> None:
        """Hook for rows saved directly: announce the plans whose figures they feed (an app's admin
        sets it; the named services do this themselves)."""

    # -- Django admin hooks: writing

    def change_reason(self, obj: Model, change: bool) -> str:
        """The reason recorded in the audit history for a direct save made through this page."""
        return ADMIN_REASON

    def save_model(self, request, obj, form, change):
        if not self.writes_through_services():
            before = self.plan_ids([obj.pk]) if change else set()
            obj._change_reason = self.change_reason(obj, change)
            obj._history_user = request.user
            super().save_model(request, obj, form, change)
            self.plans_changed(before | self.plan_ids([obj.pk]))
            return
        try:
            saved = self.write_row(form, request.user)
        except REFUSALS as refusal:
            raise AdminRefusal(in_words(refusal)) from refusal
        take_over(obj, saved if saved is not None else self.model._default_manager.get(pk=obj.pk))

    def save_related(self, request, form, formsets, change):
        if not self.writes_through_services():
            return super().save_related(request, form, formsets, change)
        # The service stored the form's many-to-many links with the row; form.save_m2m would not check them.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Each inline row through its model's services, or, for rows without any, saved one by one
        so that each is audited with the reason and the user."""
        rows_admin = self.rows_admin(formset.model)
        if rows_admin is not None and rows_admin.writes_through_services():
            rows_admin.save_rows(formset, request.user)
            return
        instances = formset.save(commit=False)
        plan_ids = rows_admin.plan_ids([gone.pk for gone in formset.deleted_objects]) if rows_admin else set()
        for gone in formset.deleted_objects:
            gone._change_reason = ADMIN_REASON
            gone._history_user = request.user
            gone.delete()
        for instance in instances:
            instance._change_reason = ADMIN_REASON
            instance._history_user = request.user
            instance.save()
        formset.save_m2m()
        if rows_admin is not None:
            rows_admin.plans_changed(plan_ids | rows_admin.plan_ids([row.pk for row in instances]))

    def delete_model(self, request, obj):
        if not self.writes_through_services():
            plans = self.plan_ids([obj.pk])
            obj._change_reason = ADMIN_REASON
            obj._history_user = request.user
            super().delete_model(request, obj)
            self.plans_changed(plans)
            return
        # The confirmation page carries the version it showed (admin/planboard_delete_confirmation.html).
        posted = request.POST.get("version", "")
        version = int(posted) if posted.isdigit() else getattr(obj, "version", None)
        try:
            self.delete_row(obj, request.user, version)
        except REFUSALS as refusal:
            raise AdminRefusal(in_words(refusal)) from refusal

    def delete_queryset(self, request, queryset):
        """Delete selected: each row through the delete service, at the version just read; all or none."""
        if not self.writes_through_services():
            plans = self.plan_ids(queryset.values("pk"))
            super().delete_queryset(request, queryset)
            self.plans_changed(plans)
            return
        for obj in queryset:
            try:
                self.delete_row(obj, request.user, getattr(obj, "version", None))
            except REFUSALS as refusal:
                raise AdminRefusal(f"“{obj}”: {in_words(refusal)}") from refusal

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.POST.get("post") and self.writes_through_services():
            # Confirmed: the delete service decides what protects a row, and says so in its words.
            protected = []
        return deleted, counts, perms_needed, protected

    # -- A refusal after validation: roll the page back, say why

    def _refused(self, request, refusal: AdminRefusal, what: str):
        self.message_user(request, f"Nothing was {what}. {refusal}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except AdminRefusal as refusal:  # raised inside Django's transaction, which rolled back
            return self._refused(request, refusal, "saved")

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except AdminRefusal as refusal:
            return self._refused(request, refusal, "deleted")

    def response_action(self, request, queryset):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except AdminRefusal as refusal:
            return self._refused(request, refusal, "deleted")


class PlanboardInlineFormSet(BaseInlineFormSet):
    """Inline rows ticked for deletion are dry-run through their delete service while the page is
    validated (a deleted row's own errors would be ignored), so a refusal is shown above the rows."""

    rows_admin = None
    request = None

    def clean(self) -> None:
        super().clean()
        if self.rows_admin is None or not self.rows_admin.writes_through_services():
            return
        problems = []
        for row in self.deleted_forms:
            if row.instance.pk is None:
                continue
            try:
                self.rows_admin.check_delete(row.instance, self.request.user, seen_version(row))
            except REFUSALS as refusal:
                problems.append(f"“{row.instance}”: {in_words(refusal)}")
        if problems:
            raise ValidationError(problems)
