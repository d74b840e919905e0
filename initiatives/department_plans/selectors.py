"""Reads of a department's IT plans: the plans a reader may see, and one plan's structure with
its alignment, each in a fixed number of queries whatever the plan's size."""

from collections import defaultdict

from goals import visibility as goals_visible
from goals.models import Department, Objective, Plan
from initiatives.alignment.rules import ItemAlignment, plan_alignment
from initiatives.models import Initiative


def department_plans(user, department: Department) -> list[Plan]:
    return list(goals_visible.visible_plans(user).filter(department=department).order_by("-start_fiscal_year", "title"))


def department_plan_structure(plan: Plan) -> dict:
    """A department plan as its liaison edits it, in eight queries whatever its size.

    Goals in number order, each with its objectives' alignments (`goal.alignments`), the plan's
    initiatives' alignments, and on every alignment `links`: the objectives the item links to
    itself (enterprise or its own plan's), so an indirect link to an objective that is not yet
    aligned still shows. Whether an item is aligned comes from initiatives.alignment.rules,
    the one rule.
    """
    alignment = plan_alignment(plan)
    goals = list(plan.goals.order_by("number"))
    by_goal: dict[int, list[ItemAlignment]] = defaultdict(list)
    for item in alignment.objectives:
        by_goal[item.item.goal_id].append(item)
    for goal in goals:
        goal.alignments = by_goal[goal.pk]
    links: dict[tuple[str, int], list[Objective]] = defaultdict(list)
    objective_links = Objective.aligned_to.through.objects.filter(from_objective__goal__plan=plan)
    for row in objective_links.select_related("to_objective__goal__plan").order_by("to_objective__code"):
        links[("objective", row.from_objective_id)].append(row.to_objective)
    initiative_links = Initiative.aligned_to.through.objects.filter(initiative__plan=plan)
    for row in initiative_links.select_related("objective__goal__plan").order_by("objective__code"):
        links[("initiative", row.initiative_id)].append(row.objective)
    for item in alignment.items:
        item.links = links[(item.kind, item.item.pk)]
    return {"goals": goals, "initiatives": alignment.initiatives, "alignment": alignment}
