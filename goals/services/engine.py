"""The engine under every versioned create, update and delete of the plan's structure.

One path for every write to the plan's structure, whichever interface asks (API, admin, forms,
imports): check permission with planboard.core.permissions, lock the row, compare the version
the writer saw, validate with the model's own rules (errors name the field), check that
many-to-many links stay inside the right plan, save with an audit entry, and mark the plan's
figures out of date. Callers use the named services of goals.services.structure (goal_create,
objective_update, ...); each passes its model's ItemRules, declared once beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet

from goals.models import Plan
from goals.services.recalculation import plan_mark_changed
from planboard.core.audit import save_audited
from planboard.core.exceptions import ConflictError, Refused


@dataclass(frozen=True)
class Link:
    """A many-to-many field's rule: `targets(instance)` are the rows it may point to, `where` says so in words."""

    targets: Callable[[Model], QuerySet]
    where: str


@dataclass(frozen=True)
class ItemRules:
    """How one kind of plan data is permitted, placed in a plan and linked.

    `may_create(user, instance)` and `may_change(user, instance)` are the permission rules
    (calls into planboard.core.permissions); `may_change` is asked of the row before the change and
    of the row as it would be after it, so nobody moves an item out of their own reach.
    `plan_id(instance)` names the plan whose figures the item feeds (None: it feeds none).
    `links` maps each many-to-many field to the rows it may point to (see `Link`).
    `fixed` lists the fields that place the item (its plan, goal, objective...): set on
    creation, never moved. `may_delete` defaults to `may_change`. `refusal(instance, action)`
    words a refused create or change ("create", "change") as (field the writer chose, message);
    without it the message names the item only.
    """

    may_create: Callable[[Any, Model], bool]
    may_change: Callable[[Any, Model], bool]
    plan_id: Callable[[Model], int | None]
    links: dict[str, Link] = field(default_factory=dict)
    fixed: tuple[str, ...] = ()
    may_delete: Callable[[Any, Model], bool] | None = None
    refusal: Callable[[Model, str], tuple[str | None, str]] | None = None

    def may_remove(self, user, instance: Model) -> bool:
        return (self.may_delete or self.may_change)(user, instance)

    def refused(self, instance: Model, action: str) -> Refused:
        if self.refusal is not None:
            where, message = self.refusal(instance, action)
            return Refused(message, field=where)
        verb = "create" if action == "create" else "make this change to"
        return Refused(f"You may not {verb} this {instance._meta.verbose_name}.")


def _denied(instance: Model, action: str) -> PermissionDenied:
    return PermissionDenied(f"You may not {action} this {instance._meta.verbose_name}.")


def _validate_item(instance: Model, links: dict[str, list], rules: ItemRules) -> None:
    """Run the model's rules and the link rules together, so every bad field is reported at once."""
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    for name, targets in links.items():
        if not targets:
            continue
        link = rules.links[name]
        allowed = set(link.targets(instance).filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True))
        outside = sorted(t.pk for t in targets if t.pk not in allowed)
        if outside:
            kind = instance._meta.get_field(name).related_model._meta.verbose_name
            errors.setdefault(name, []).append(
                f"{kind.capitalize()} {', '.join(map(str, outside))} cannot be linked here; "
                f"choose {kind}s of {link.where}."
            )
    if errors:
        raise ValidationError(errors)


def _save_item(instance: Model, *, actor, links: dict[str, list], rules: ItemRules, reason: str) -> None:
    _validate_item(instance, links, rules)
    save_audited(instance, actor=actor, reason=reason, validate=False)
    for name, targets in links.items():
        getattr(instance, name).set(targets)
    plan_id = rules.plan_id(instance)
    if plan_id is not None:
        plan_mark_changed(plan_id=plan_id)


def _split_links(data: dict, rules: ItemRules) -> tuple[dict, dict[str, list]]:
    fields = {name: value for name, value in data.items() if name not in rules.links}
    links = {name: list(value) for name, value in data.items() if name in rules.links}
    return fields, links


def plan_item_create(*, model: type[Model], rules: ItemRules, actor, data: dict, reason: str = "") -> Model:
    """Create one item of `model` under `rules`: the engine of every named `*_create` service.

    `data` holds field values by name (related rows as objects; many-to-many links as lists).
    Raises PermissionDenied (a Refused naming the field) when `actor` may not create it there,
    ValidationError naming each bad field (nothing is stored). The audit reason defaults to "Created".
    """
    fields, links = _split_links(data, rules)
    instance = model(**fields)
    if not rules.may_create(actor, instance):
        raise rules.refused(instance, "create")
    with transaction.atomic():
        _save_item(instance, actor=actor, links=links, rules=rules, reason=reason or "Created")
    return instance


def plan_item_update(*, instance: Model, rules: ItemRules, actor, data: dict, version: int, reason: str = "") -> Model:
    """Change the fields in `data` on `instance`, provided nobody changed it since `version`.

    Raises ConflictError (nothing changed) when the stored version differs, PermissionDenied when
    `actor` may not change it (before or after the change), ValidationError naming each bad field,
    including an attempt to move the item to another plan, goal or objective. The audit reason
    defaults to "Changed".
    """
    model = type(instance)
    if not rules.may_change(actor, instance):
        raise _denied(instance, "change")
    fields, links = _split_links(data, rules)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != version:
            raise ConflictError(current)
        moved = {
            name: f"A {model._meta.verbose_name} cannot be moved; create it again under the new {name} instead."
            for name in rules.fixed
            if name in fields and getattr(fields[name], "pk", fields[name]) != getattr(current, f"{name}_id")
        }
        if moved:
            raise ValidationError(moved)
        for name, value in fields.items():
            setattr(current, name, value)
        if not rules.may_change(actor, current):
            raise rules.refused(current, "change")
        _save_item(current, actor=actor, links=links, rules=rules, reason=reason or "Changed")
    return current


def plan_item_delete(*, instance: Model, rules: ItemRules, actor, version: int, reason: str = "") -> None:
    """Delete `instance` (and what hangs off it), provided nobody changed it since `version`.

    Raises ConflictError when the version is stale, PermissionDenied when `actor` may not change
    it, and ValidationError when other records still depend on it (nothing is deleted).
    """
    model = type(instance)
    if not rules.may_remove(actor, instance):
        raise _denied(instance, "delete")
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != version:
            raise ConflictError(current)
        plan_id = rules.plan_id(current)
        if actor is not None and actor.is_authenticated:
            current._history_user = actor
        if reason:
            current._change_reason = reason
        try:
            with transaction.atomic():
                current.delete()
        except ProtectedError as error:
            blockers = sorted({str(row._meta.verbose_name_plural) for row in error.protected_objects})
            raise ValidationError(
                f"This {model._meta.verbose_name} cannot be deleted while {' and '.join(blockers)} refer to it."
            ) from None
        # A deleted plan has no figures left to recalculate.
        if plan_id is not None and model is not Plan:
            plan_mark_changed(plan_id=plan_id)
