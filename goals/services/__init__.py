"""Writes to plan data. Each runs in one transaction, records an audit entry, and asks for the
plan's figures to be recalculated once the transaction has committed.

The plan's structure is written through named services, three per model (`department_create`,
`plan_update`, `goal_delete`, ... `metric_update`), thin over one engine (`plan_item_*`). Each
model's rules (permission, the parent it never leaves, where its links may point) are declared
once, as an `ItemRules` beside its three services; the API, the admin, the department plan pages
and imports all call these verbs. Updates and deletes take the row as `instance`, the same keyword
for every model, so the generic callers (API viewsets, admin pages, imports) call any model alike.

The package: `recalculation` (plan_mark_changed), `readings` (metric_record_reading,
reading_delete), `memberships` (membership_create/update/delete), `engine`
(ItemRules, Link and plan_item_create/update/delete) and `structure` (the named services and
their rules). Callers import from goals.services, which re-exports every public name.
"""

from goals.services.engine import ItemRules, Link, plan_item_create, plan_item_delete, plan_item_update
from goals.services.memberships import membership_create, membership_delete, membership_update
from goals.services.periods import (
    closed_containing,
    closed_ends_by_plan,
    closed_period,
    closed_period_allow,
    closed_periods_by_plan,
    closed_refusal,
)
from goals.services.readings import metric_record_reading, reading_delete
from goals.services.recalculation import plan_mark_changed, plan_recalculation_state
from goals.services.structure import (
    ALIGNED_WHERE,
    DEPARTMENT_RULES,
    DRIVER_RULES,
    GOAL_RULES,
    METRIC_RULES,
    OBJECTIVE_RULES,
    PILLAR_RULES,
    PLAN_RULES,
    THEME_RULES,
    department_create,
    department_delete,
    department_update,
    driver_create,
    driver_delete,
    driver_update,
    goal_create,
    goal_delete,
    goal_update,
    in_plan_rules,
    metric_create,
    metric_delete,
    metric_update,
    objective_create,
    objective_delete,
    objective_update,
    objectives_alignable_from,
    pillar_create,
    pillar_delete,
    pillar_update,
    plan_create,
    plan_delete,
    plan_update,
    theme_create,
    theme_delete,
    theme_update,
)

__all__ = [
    "closed_containing",
    "closed_ends_by_plan",
    "closed_periods_by_plan",
    "closed_period",
    "closed_period_allow",
    "closed_refusal",
    "plan_mark_changed",
    "plan_recalculation_state",
    "metric_record_reading",
    "reading_delete",
    "membership_create",
    "membership_update",
    "membership_delete",
    "Link",
    "ItemRules",
    "plan_item_create",
    "plan_item_update",
    "plan_item_delete",
    "objectives_alignable_from",
    "ALIGNED_WHERE",
    "in_plan_rules",
    "DEPARTMENT_RULES",
    "department_create",
    "department_update",
    "department_delete",
    "PLAN_RULES",
    "plan_create",
    "plan_update",
    "plan_delete",
    "PILLAR_RULES",
    "pillar_create",
    "pillar_update",
    "pillar_delete",
    "DRIVER_RULES",
    "driver_create",
    "driver_update",
    "driver_delete",
    "THEME_RULES",
    "theme_create",
    "theme_update",
    "theme_delete",
    "GOAL_RULES",
    "goal_create",
    "goal_update",
    "goal_delete",
    "OBJECTIVE_RULES",
    "objective_create",
    "objective_update",
    "objective_delete",
    "METRIC_RULES",
    "metric_create",
    "metric_update",
    "metric_delete",
]
