"""Writes to plan data. Each runs in one transaction, records an audit entry, and asks for the
plan's figures to be recalculated once the transaction has committed.

The plan's structure is written through named services, three per model (`department_create`,
`plan_update`, `goal_delete`, ... `metric_update`), thin over one engine (`plan_item_*`). Each
model's rules (permission, the parent it never leaves, where its links may point) are declared
once, as an `ItemRules` beside its three services; the API, the admin, the department plan pages
and imports all call these verbs. Updates and deletes take the row as `instance`, the same keyword
for every model, so the generic callers (API viewsets, admin pages, imports) call any model alike.
"""

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
from planboard.core.exceptions import ConflictError, Refused
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
            raise ValidationError(
                {
                    "period_end": f"This metric already has a reading for the period ending {period_end:%Y-%m-%d} "
                    f"({reading.value}); choose to correct it if the earlier figure was wrong."
                }
            )
        if reading is None:
            reading = MetricReading(metric=metric, period_end=period_end)
        reading.value = value
        reading.note = note
        reading.entered_by = entered_by
        save_audited(reading, actor=entered_by, reason="Reading corrected" if correct and reading.pk else "")
        plan_mark_changed(plan_id=metric.objective.goal.plan_id)
    return reading


# --- The engine under every versioned create, update and delete --------------------------------
#
# One path for every write to the plan's structure, whichever interface asks (API, admin, forms,
# imports): check permission with planboard.core.permissions, lock the row, compare the version
# the writer saw, validate with the model's own rules (errors name the field), check that
# many-to-many links stay inside the right plan, save with an audit entry, and mark the plan's
# figures out of date. Callers use the named services below (goal_create, objective_update, ...);
# each passes its model's ItemRules, declared once beside it.


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
        if isinstance(instance, Plan):
            instance.needs_recalculation = True  # as just stored by plan_mark_changed


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


# --- Rules shared by the items of a plan ---------------------------------------------------------


def objectives_alignable_from(plan: Plan) -> QuerySet[Objective]:
    """Objectives an item of `plan` may be aligned to: those of its parent enterprise plan and its own."""
    plan_ids = [plan.pk] + ([plan.parent_id] if plan.parent_id else [])
    return Objective.objects.filter(goal__plan_id__in=plan_ids)


ALIGNED_WHERE = "its own plan or the enterprise plan its plan aligns to"


def in_plan_rules(path: str, parent: str, **rules) -> ItemRules:
    """The rules of an item that lives in the plan reached through `path` ("plan", "goal.plan"):
    whoever may edit that plan creates and changes it, and it never leaves its `parent`."""
    plan_of = attrgetter(path)

    def may_edit(user, instance: Model) -> bool:
        return permissions.can_edit_plan(user, plan_of(instance))

    def refusal(instance: Model, _action: str) -> tuple[str, str]:
        return parent, f"You may not change the plan “{plan_of(instance)}”; choose one you are allowed to edit."

    return ItemRules(may_edit, may_edit, plan_id=attrgetter(f"{path}_id"), fixed=(parent,), refusal=refusal, **rules)


# --- Departments ---------------------------------------------------------------------------------


def _administrators_only(user, _department: Department) -> bool:
    return permissions.can_edit_department(user)


DEPARTMENT_RULES = ItemRules(
    _administrators_only,
    _administrators_only,
    plan_id=lambda _d: None,
    refusal=lambda _d, _action: (None, "Only the CIO may change departments."),
)


def department_create(*, actor, data: dict, reason: str = "") -> Department:
    """Add a city department (the CIO alone; see plan_item_create)."""
    return plan_item_create(model=Department, rules=DEPARTMENT_RULES, actor=actor, data=data, reason=reason)


def department_update(*, instance: Department, actor, data: dict, version: int, reason: str = "") -> Department:
    """Change a department seen at `version` (the CIO alone; see plan_item_update)."""
    return plan_item_update(
        instance=instance, rules=DEPARTMENT_RULES, actor=actor, data=data, version=version, reason=reason
    )


def department_delete(*, instance: Department, actor, version: int, reason: str = "") -> None:
    """Delete a department seen at `version`; refused while plans or IT requests name it."""
    plan_item_delete(instance=instance, rules=DEPARTMENT_RULES, actor=actor, version=version, reason=reason)


# --- Plans ---------------------------------------------------------------------------------------


def _may_create_plan(user, plan: Plan) -> bool:
    return permissions.can_create_plan(user, scope=plan.scope, department=plan.department)


def _may_change_plan(user, plan: Plan) -> bool:
    return permissions.can_edit_plan(user, plan)


def _plan_refusal(plan: Plan, _action: str) -> tuple[str, str]:
    if plan.scope == Plan.Scope.ENTERPRISE:
        return "scope", "Only the CIO sets up enterprise plans; plan editors change their structure."
    department = plan.department if plan.department_id else "no department"
    return "department", f"You may not keep a plan for {department}; choose your own department."


PLAN_RULES = ItemRules(_may_create_plan, _may_change_plan, plan_id=lambda plan: plan.pk, refusal=_plan_refusal)


def plan_create(*, actor, data: dict, reason: str = "") -> Plan:
    """Set up a plan: an enterprise plan (the CIO) or a department's IT plan (its liaisons, the CIO)."""
    return plan_item_create(model=Plan, rules=PLAN_RULES, actor=actor, data=data, reason=reason)


def plan_update(*, instance: Plan, actor, data: dict, version: int, reason: str = "") -> Plan:
    """Change a plan seen at `version`, whoever may edit it, as long as they still may afterwards."""
    return plan_item_update(instance=instance, rules=PLAN_RULES, actor=actor, data=data, version=version, reason=reason)


def plan_delete(*, instance: Plan, actor, version: int, reason: str = "") -> None:
    """Delete a plan seen at `version` with everything in it; refused while other records refer to it."""
    plan_item_delete(instance=instance, rules=PLAN_RULES, actor=actor, version=version, reason=reason)


# --- Pillars, business drivers and themes: parts of one plan -------------------------------------

PILLAR_RULES = in_plan_rules("plan", "plan")


def pillar_create(*, actor, data: dict, reason: str = "") -> Pillar:
    """Add a pillar (guiding principle) to the plan `data["plan"]`."""
    return plan_item_create(model=Pillar, rules=PILLAR_RULES, actor=actor, data=data, reason=reason)


def pillar_update(*, instance: Pillar, actor, data: dict, version: int, reason: str = "") -> Pillar:
    """Change a pillar seen at `version`; it stays in its plan."""
    return plan_item_update(
        instance=instance, rules=PILLAR_RULES, actor=actor, data=data, version=version, reason=reason
    )


def pillar_delete(*, instance: Pillar, actor, version: int, reason: str = "") -> None:
    """Delete a pillar seen at `version` (its drivers stay, without a pillar; its scores go)."""
    plan_item_delete(instance=instance, rules=PILLAR_RULES, actor=actor, version=version, reason=reason)


DRIVER_RULES = in_plan_rules("plan", "plan")


def driver_create(*, actor, data: dict, reason: str = "") -> BusinessDriver:
    """Add a business driver to the plan `data["plan"]`."""
    return plan_item_create(model=BusinessDriver, rules=DRIVER_RULES, actor=actor, data=data, reason=reason)


def driver_update(*, instance: BusinessDriver, actor, data: dict, version: int, reason: str = "") -> BusinessDriver:
    """Change a business driver seen at `version`; it stays in its plan."""
    return plan_item_update(
        instance=instance, rules=DRIVER_RULES, actor=actor, data=data, version=version, reason=reason
    )


def driver_delete(*, instance: BusinessDriver, actor, version: int, reason: str = "") -> None:
    """Delete a business driver seen at `version` (its scores go with it)."""
    plan_item_delete(instance=instance, rules=DRIVER_RULES, actor=actor, version=version, reason=reason)


THEME_RULES = in_plan_rules("plan", "plan")


def theme_create(*, actor, data: dict, reason: str = "") -> Theme:
    """Add a theme (a category of initiatives) to the plan `data["plan"]`."""
    return plan_item_create(model=Theme, rules=THEME_RULES, actor=actor, data=data, reason=reason)


def theme_update(*, instance: Theme, actor, data: dict, version: int, reason: str = "") -> Theme:
    """Change a theme seen at `version`; it stays in its plan."""
    return plan_item_update(
        instance=instance, rules=THEME_RULES, actor=actor, data=data, version=version, reason=reason
    )


def theme_delete(*, instance: Theme, actor, version: int, reason: str = "") -> None:
    """Delete a theme seen at `version` (its initiatives stay, without a theme)."""
    plan_item_delete(instance=instance, rules=THEME_RULES, actor=actor, version=version, reason=reason)


# --- Goals → objectives → metrics ----------------------------------------------------------------

GOAL_RULES = in_plan_rules("plan", "plan")


def goal_create(*, actor, data: dict, reason: str = "") -> Goal:
    """Add a goal to the plan `data["plan"]` (whoever may edit that plan)."""
    return plan_item_create(model=Goal, rules=GOAL_RULES, actor=actor, data=data, reason=reason)


def goal_update(*, instance: Goal, actor, data: dict, version: int, reason: str = "") -> Goal:
    """Change a goal seen at `version`; a goal never moves to another plan."""
    return plan_item_update(instance=instance, rules=GOAL_RULES, actor=actor, data=data, version=version, reason=reason)


def goal_delete(*, instance: Goal, actor, version: int, reason: str = "") -> None:
    """Delete a goal seen at `version`, with its objectives and their metrics."""
    plan_item_delete(instance=instance, rules=GOAL_RULES, actor=actor, version=version, reason=reason)


OBJECTIVE_RULES = in_plan_rules(
    "goal.plan",
    "goal",
    links={
        "aligned_to": Link(lambda o: objectives_alignable_from(o.goal.plan).exclude(pk=o.pk), ALIGNED_WHERE),
    },
)


def objective_create(*, actor, data: dict, reason: str = "") -> Objective:
    """Add an objective to the goal `data["goal"]`; `aligned_to` may name objectives of its own plan
    or of the enterprise plan that plan aligns to."""
    return plan_item_create(model=Objective, rules=OBJECTIVE_RULES, actor=actor, data=data, reason=reason)


def objective_update(*, instance: Objective, actor, data: dict, version: int, reason: str = "") -> Objective:
    """Change an objective seen at `version` (same link rule as objective_create); it stays under its goal."""
    return plan_item_update(
        instance=instance, rules=OBJECTIVE_RULES, actor=actor, data=data, version=version, reason=reason
    )


def objective_delete(*, instance: Objective, actor, version: int, reason: str = "") -> None:
    """Delete an objective seen at `version`, with its metrics and readings."""
    plan_item_delete(instance=instance, rules=OBJECTIVE_RULES, actor=actor, version=version, reason=reason)


METRIC_RULES = in_plan_rules("objective.goal.plan", "objective")


def metric_create(*, actor, data: dict, reason: str = "") -> Metric:
    """Add a metric to the objective `data["objective"]` (whoever may edit its plan)."""
    return plan_item_create(model=Metric, rules=METRIC_RULES, actor=actor, data=data, reason=reason)


def metric_update(*, instance: Metric, actor, data: dict, version: int, reason: str = "") -> Metric:
    """Change a metric seen at `version`; it stays under its objective."""
    return plan_item_update(
        instance=instance, rules=METRIC_RULES, actor=actor, data=data, version=version, reason=reason
    )


def metric_delete(*, instance: Metric, actor, version: int, reason: str = "") -> None:
    """Delete a metric seen at `version`, with its readings."""
    plan_item_delete(instance=instance, rules=METRIC_RULES, actor=actor, version=version, reason=reason)
