"""Writes to plan data. Each runs in one transaction, records an audit entry, and asks for the
plan's figures to be recalculated once the transaction has committed."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet

from goals.models import BusinessDriver, Department, Goal, Metric, MetricReading, Objective, Pillar, Plan, Theme
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.exceptions import ConflictError
from planboard.core.tasks import RECALCULATE_PLAN, registered


def plan_mark_changed(*, plan_id: int) -> None:
    """Mark the plan's cached figures out of date and, after commit, queue its recalculation.

    The dirty flag is written inside the caller's transaction, so if the recalculation cannot be
    queued (broker down) the next scheduled run still finds the plan and catches up.
    """
    newly_dirty = Plan.objects.filter(pk=plan_id, needs_recalculation=False).update(needs_recalculation=True)
    # Already dirty means a recalculation is pending (queued, or due from the catch-up run):
    # queueing another would only repeat it. This is what bounds a burst of updates. The task
    # waits for the commit itself (planboard.core.tasks.TransactionAwareTask).
    if newly_dirty:
        registered(RECALCULATE_PLAN).apply_async(args=[plan_id], countdown=settings.RECALCULATION_DEBOUNCE_SECONDS)


def metric_record_reading(
    *,
    metric: Metric,
    entered_by,
    period_end: datetime.date,
    value: Decimal,
    note: str = "",
    correct: bool = False,
) -> MetricReading:
    """Record a metric's value for the period ending `period_end`.

    One reading per period: a second one for the same period is refused unless `correct` is
    set, in which case the existing reading is corrected (and the correction audited).
    """
    if not permissions.can_edit_metric(entered_by, metric):
        raise PermissionDenied("You may not record readings for this metric.")
    with transaction.atomic():
        reading = MetricReading.objects.select_for_update().filter(metric=metric, period_end=period_end).first()
        if reading is not None and not correct:
            raise ValidationError({
                "period_end": f"This metric already has a reading for the period ending {period_end:%Y-%m-%d} "
                f"({reading.value}); choose to correct it if the earlier figure was wrong."
            })
        if reading is None:
            reading = MetricReading(metric=metric, period_end=period_end)
        reading.value = value
        reading.note = note
        reading.entered_by = entered_by
        save_audited(reading, actor=entered_by, reason="Reading corrected" if correct and reading.pk else "")
        plan_mark_changed(plan_id=metric.objective.goal.plan_id)
    return reading


# --- Plan structure: versioned create, update and delete -----------------------------------
#
# One path for every write to the plan's structure, whichever interface asks (API today, forms
# and imports tomorrow): check permission with planboard.core.permissions, lock the row, compare the
# version the writer saw, validate with the model's own rules (errors name the field), check
# that many-to-many links stay inside the right plan, save with an audit entry, and mark the
# plan's figures out of date.


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
    creation, never moved. `may_delete` defaults to `may_change`.
    """

    may_create: Callable[[Any, Model], bool]
    may_change: Callable[[Any, Model], bool]
    plan_id: Callable[[Model], int | None]
    links: dict[str, Link] = field(default_factory=dict)
    fixed: tuple[str, ...] = ()
    may_delete: Callable[[Any, Model], bool] | None = None

    def may_remove(self, user, instance: Model) -> bool:
        return (self.may_delete or self.may_change)(user, instance)


def objectives_alignable_from(plan: Plan) -> QuerySet[Objective]:
    """Objectives an item of `plan` may be aligned to: those of its parent enterprise plan and its own."""
    plan_ids = [plan.pk] + ([plan.parent_id] if plan.parent_id else [])
    return Objective.objects.filter(goal__plan_id__in=plan_ids)


ALIGNED_WHERE = "its own plan or the enterprise plan its plan aligns to"


def _edit_plan_of(path: str) -> Callable[[Any, Model], bool]:
    """A rule "whoever may edit the item's plan", the plan reached through the attribute `path`."""

    def rule(user, instance: Model) -> bool:
        plan = attrgetter(path)(instance)
        return permissions.can_edit_plan(user, plan)

    return rule


def _may_create_plan(user, plan: Plan) -> bool:
    return permissions.can_create_plan(user, scope=plan.scope, department=plan.department)


def _may_change_plan(user, plan: Plan) -> bool:
    return permissions.can_edit_plan(user, plan)


def _administrators_only(user, _instance: Model) -> bool:
    return permissions.can_edit_department(user)


PLAN_ITEM_RULES: dict[type[Model], ItemRules] = {
    Department: ItemRules(_administrators_only, _administrators_only, plan_id=lambda _d: None),
    Plan: ItemRules(_may_create_plan, _may_change_plan, plan_id=lambda plan: plan.pk),
    Pillar: ItemRules(_edit_plan_of("plan"), _edit_plan_of("plan"), plan_id=lambda p: p.plan_id, fixed=("plan",)),
    BusinessDriver: ItemRules(
        _edit_plan_of("plan"), _edit_plan_of("plan"), plan_id=lambda d: d.plan_id, fixed=("plan",)
    ),
    Theme: ItemRules(_edit_plan_of("plan"), _edit_plan_of("plan"), plan_id=lambda t: t.plan_id, fixed=("plan",)),
    Goal: ItemRules(_edit_plan_of("plan"), _edit_plan_of("plan"), plan_id=lambda g: g.plan_id, fixed=("plan",)),
    Objective: ItemRules(
        _edit_plan_of("goal.plan"), _edit_plan_of("goal.plan"), plan_id=lambda o: o.goal.plan_id,
        links={"aligned_to": Link(lambda o: objectives_alignable_from(o.goal.plan).exclude(pk=o.pk), ALIGNED_WHERE)},
        fixed=("goal",),
    ),
    Metric: ItemRules(
        _edit_plan_of("objective.goal.plan"), _edit_plan_of("objective.goal.plan"),
        plan_id=lambda m: m.objective.goal.plan_id, fixed=("objective",),
    ),
}


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
            errors.setdefault(name, []).append(
                f"Objective {', '.join(map(str, outside))} cannot be linked here; choose objectives of {link.where}."
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
        if isinstance(instance, Plan):
            instance.needs_recalculation = True  # as just stored by plan_mark_changed


def _split_links(data: dict, rules: ItemRules) -> tuple[dict, dict[str, list]]:
    fields = {name: value for name, value in data.items() if name not in rules.links}
    links = {name: list(value) for name, value in data.items() if name in rules.links}
    return fields, links


def plan_item_create(*, model: type[Model], actor, data: dict, rules: ItemRules | None = None) -> Model:
    """Create one item of plan data (department, plan, pillar, driver, theme, goal, objective, metric).

    `data` holds field values by name (related rows as objects; many-to-many links as lists).
    Raises PermissionDenied when `actor` may not create it there, ValidationError naming each bad
    field (nothing is stored).
    """
    rules = rules or PLAN_ITEM_RULES[model]
    fields, links = _split_links(data, rules)
    instance = model(**fields)
    if not rules.may_create(actor, instance):
        raise _denied(instance, "create")
    with transaction.atomic():
        _save_item(instance, actor=actor, links=links, rules=rules, reason="Created")
    return instance


def plan_item_update(*, instance: Model, actor, data: dict, version: int, rules: ItemRules | None = None) -> Model:
    """Change the fields in `data` on `instance`, provided nobody changed it since `version`.

    Raises ConflictError (nothing changed) when the stored version differs, PermissionDenied when
    `actor` may not change it (before or after the change), ValidationError naming each bad field,
    including an attempt to move the item to another plan, goal or objective.
    """
    model = type(instance)
    rules = rules or PLAN_ITEM_RULES[model]
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
            raise _denied(current, "make this change to")
        _save_item(current, actor=actor, links=links, rules=rules, reason="Changed")
    return current


def plan_item_delete(*, instance: Model, actor, version: int, rules: ItemRules | None = None) -> None:
    """Delete `instance` (and what hangs off it), provided nobody changed it since `version`.

    Raises ConflictError when the version is stale, PermissionDenied when `actor` may not change
    it, and ValidationError when other records still depend on it (nothing is deleted).
    """
    model = type(instance)
    rules = rules or PLAN_ITEM_RULES[model]
    if not rules.may_remove(actor, instance):
        raise _denied(instance, "delete")
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != version:
            raise ConflictError(current)
        plan_id = rules.plan_id(current)
        if actor is not None and actor.is_authenticated:
            current._history_user = actor
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
