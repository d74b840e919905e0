"""Alignment of department IT plans to the enterprise plan: the one home of the rule.

The rule. An objective or initiative of a department plan is *aligned* when its `aligned_to`
links reach an objective of an enterprise plan:

- *directly*, when it links to the enterprise objective itself;
- *indirectly*, when it links to another objective of its own department plan that is itself
  aligned (directly, or indirectly again). The first department objective on the way is the
  `via` shown to the reader.

Links to objectives of any other plan lead nowhere (the services refuse to store them anyway).
A cycle of department objectives linking to one another aligns nothing by itself; each
objective is followed once. `Initiative.supports` (which objectives of its own plan an
initiative's progress feeds) is not an alignment link: only `aligned_to` is.

Everything here is computed for any number of plans in a fixed number of queries, so the pages,
the API, the spend gate and the report card can all ask for it freely.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model

from goals.models import Department, Goal, Objective, Plan
from initiatives.models import Initiative


@dataclass
class ItemAlignment:
    """Which enterprise objectives one department item serves, directly or through `via`."""

    item: Model
    direct: list[Objective] = field(default_factory=list)
    indirect: list[tuple[Objective, Objective]] = field(default_factory=list)  # (enterprise objective, via)

    @property
    def is_aligned(self) -> bool:
        return bool(self.direct or self.indirect)

    @property
    def kind(self) -> str:
        """ "objective" or "initiative"."""
        return self.item._meta.verbose_name

    @property
    def enterprise_objectives(self) -> list[Objective]:
        """Every enterprise objective reached, each once, direct ones first."""
        seen: dict[int, Objective] = {o.pk: o for o in self.direct}
        for objective, _via in self.indirect:
            seen.setdefault(objective.pk, objective)
        return list(seen.values())


def trace_links(
    start: Iterable[int], own_links: dict[int, list[int]], is_enterprise: set[int]
) -> tuple[list[int], list[tuple[int, int]]]:
    """Follow links from `start` (objective ids) to enterprise objectives.

    `own_links` maps each objective of the item's own department plan to the ids it links to;
    `is_enterprise` holds the ids of enterprise objectives. Returns the enterprise ids reached
    directly, and (enterprise id, via) pairs reached through an own objective `via`, each
    enterprise objective once (direct wins). A cycle ends where it started.
    """
    direct: list[int] = []
    indirect: list[tuple[int, int]] = []
    reached: set[int] = set()
    followed: set[int] = set()
    pending: list[tuple[int, int | None]] = [(target, None) for target in start]
    while pending:
        target, via = pending.pop(0)
        if target in is_enterprise:
            if target not in reached:
                reached.add(target)
                (direct.append(target) if via is None else indirect.append((target, via)))
        elif target in own_links and target not in followed:
            followed.add(target)
            pending.extend((onward, via or target) for onward in own_links[target])
    return direct, indirect


@dataclass
class PlanAlignment:
    """A department plan's objectives and initiatives, each with what it serves."""

    plan: Plan
    objectives: list[ItemAlignment]
    initiatives: list[ItemAlignment]

    @property
    def items(self) -> list[ItemAlignment]:
        return [*self.objectives, *self.initiatives]

    @property
    def unaligned(self) -> list[ItemAlignment]:
        return [a for a in self.items if not a.is_aligned]

    @property
    def unaligned_count(self) -> int:
        return len(self.unaligned)


def plans_alignment(plans: Iterable[Plan]) -> dict[int, PlanAlignment]:
    """The alignment of each department plan, by plan id, in five queries whatever their number."""
    plans = {plan.pk: plan for plan in plans}
    objectives = list(
        Objective.objects.filter(goal__plan_id__in=plans).select_related("goal").order_by("goal__number", "code")
    )
    initiatives = list(Initiative.objects.filter(plan_id__in=plans).select_related("department").order_by("code"))
    objective_links = Objective.aligned_to.through.objects.filter(from_objective__goal__plan_id__in=plans)
    initiative_links = Initiative.aligned_to.through.objects.filter(initiative__plan_id__in=plans)
    own_links: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # by plan
    plan_of_objective = {o.pk: o.goal.plan_id for o in objectives}
    item_links: dict[tuple[str, int], list[int]] = defaultdict(list)
    for source, target in objective_links.values_list("from_objective_id", "to_objective_id").order_by("pk"):
        own_links[plan_of_objective[source]][source].append(target)
        item_links[("objective", source)].append(target)
    for source, target in initiative_links.values_list("initiative_id", "objective_id").order_by("pk"):
        item_links[("initiative", source)].append(target)
    targets = {target for links in item_links.values() for target in links}
    enterprise = {
        o.pk: o
        for o in Objective.objects.filter(pk__in=targets, goal__plan__scope=Plan.Scope.ENTERPRISE).select_related(
            "goal__plan"
        )
    }
    own = {o.pk: o for o in objectives}
    enterprise_ids = set(enterprise)

    def resolve(kind: str, item: Model, plan_id: int) -> ItemAlignment:
        # Only the item's own plan's objectives carry an item onward.
        direct, indirect = trace_links(item_links[(kind, item.pk)], own_links[plan_id], enterprise_ids)
        return ItemAlignment(
            item, [enterprise[pk] for pk in direct], [(enterprise[pk], own[via]) for pk, via in indirect]
        )

    result = {pk: PlanAlignment(plan, [], []) for pk, plan in plans.items()}
    for objective in objectives:
        result[objective.goal.plan_id].objectives.append(resolve("objective", objective, objective.goal.plan_id))
    for initiative in initiatives:
        result[initiative.plan_id].initiatives.append(resolve("initiative", initiative, initiative.plan_id))
    return result


def plan_alignment(plan: Plan) -> PlanAlignment:
    """One department plan's alignment (see `plans_alignment`)."""
    return plans_alignment([plan])[plan.pk]


# --- Across departments: the matrix, the gaps -------------------------------------------------


@dataclass
class MatrixCell:
    """The department items that serve one enterprise goal, and their mean cached progress."""

    items: list[ItemAlignment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def progress(self) -> float | None:
        """Plain mean of the items' cached progress; items with none are left out (none is not zero)."""
        values = [a.item.progress for a in self.items if a.item.progress is not None]
        return sum(values) / len(values) if values else None


@dataclass
class MatrixRow:
    department: Department
    plans: list[Plan]
    cells: list[MatrixCell]
    unaligned: list[ItemAlignment]


@dataclass
class AlignmentSummary:
    """Departments × enterprise goals, plus the gaps on either side."""

    enterprise: Plan
    goals: list[Goal]
    rows: list[MatrixRow]
    unsupported: list[Objective]  # enterprise objectives no department item serves
    unaligned: list[ItemAlignment]  # department items that serve no enterprise objective

    @property
    def totals(self) -> list[MatrixCell]:
        """Per goal, every department's items together (an item serving two goals counts in each)."""
        return [MatrixCell([a for row in self.rows for a in row.cells[i].items]) for i in range(len(self.goals))]


def alignment_summary(enterprise: Plan, department_plans: Iterable[Plan]) -> AlignmentSummary:
    """How the given department plans align to `enterprise`, in a fixed number of queries.

    `department_plans` is what the reader may see (the caller filters by permission); only those
    whose parent is `enterprise` count. An item appears in the cell of each enterprise goal it
    serves (through any of that goal's objectives), once per goal.
    """
    plans = [p for p in department_plans if p.parent_id == enterprise.pk and p.scope == Plan.Scope.DEPARTMENT]
    goals = list(enterprise.goals.order_by("number"))
    objectives = list(
        Objective.objects.filter(goal__plan=enterprise).select_related("goal").order_by("goal__number", "code")
    )
    alignments = plans_alignment(plans)
    column = {goal.pk: i for i, goal in enumerate(goals)}
    by_department: dict[int, MatrixRow] = {}
    served: set[int] = set()
    for plan in sorted(plans, key=lambda p: (p.department.name, p.title)):
        row = by_department.setdefault(
            plan.department_id, MatrixRow(plan.department, [], [MatrixCell() for _ in goals], [])
        )
        row.plans.append(plan)
        for alignment in alignments[plan.pk].items:
            reached = [o for o in alignment.enterprise_objectives if o.goal.plan_id == enterprise.pk]
            served.update(o.pk for o in reached)
            for goal_id in dict.fromkeys(o.goal_id for o in reached):
                row.cells[column[goal_id]].items.append(alignment)
            if not alignment.is_aligned:
                row.unaligned.append(alignment)
    rows = list(by_department.values())
    return AlignmentSummary(
        enterprise=enterprise,
        goals=goals,
        rows=rows,
        unsupported=[o for o in objectives if o.pk not in served],
        unaligned=[a for row in rows for a in row.unaligned],
    )


def department_plans_of(enterprise: Plan, visible_plans) -> list[Plan]:
    """The department plans aligned to `enterprise` among `visible_plans` (a queryset), with their departments."""
    return list(
        visible_plans.filter(scope=Plan.Scope.DEPARTMENT, parent=enterprise)
        .select_related("department")
        .order_by("department__name", "title")
    )
