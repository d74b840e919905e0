"""The named services of the plan's structure, three per model (`department_create`,
`plan_update`, `goal_delete`, ... `metric_update`), each thin over the engine (goals.services.engine)
with its model's `ItemRules` declared once beside its three verbs; and the rules shared by the
items of a plan (`in_plan_rules`, `objectives_alignable_from`), which initiatives.services uses too."""

from operator import attrgetter

from django.db.models import Model, QuerySet

from goals.models import BusinessDriver, Department, Goal, Metric, Objective, Pillar, Plan, Theme
from goals.services.engine import ItemRules, Link, plan_item_create, plan_item_delete, plan_item_update
from planboard.core import permissions

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
