"""The plan tree, read in one place: the recalculation, the report card, the API and spreadsheet
exports and the explanations all read a plan here, through `plan_tree`, `branch_tree`, (the
recalculation) `plan_inputs` or (the plan export) `plan_stream`.

A plan comes back as plain frozen values, never model instances, from one `.values()` query
per kind of row, so a read costs the same number of queries whatever the size of the plan:

- always: the plan, its goals, objectives, metrics, initiatives and the supports links
  (initiative → objective, both of this plan): six queries;
- `readings="latest"` (the default) adds each metric's latest reading (value and period end) to
  the metrics query, `count_readings` how many it has; `readings="all"`: one query for every
  reading, with its note. `as_of` leaves out readings of later periods;
- `history`: status updates and milestones, one query each;
- `links`: the `aligned_to` links of objectives and of initiatives, one query each;
- `parts`: any of "pillars", "drivers" and "themes" (ALL_PARTS), one query each;
- `detail`: descriptions, budgets, owners, departments and themes by name (joined, no query).

`plan_inputs(plan_id)` is the recalculation's read: the same rows of the plan, only the columns
the progress method reads, as the PlanInputs it takes (six queries, nothing sorted).
`branch_tree(kind, pk)` reads the plan and only one node with what lies below it (what its
explanation shows), and `depth` stops the read below a level. Figures (`progress`, `pace`,
`health`, `computed_at`) are the cached ones: nothing here computes. Rows come in the order the
pages show them: goals by number, objectives by goal and code, metrics by objective and name,
initiatives by code. The node types are in reports.plan_tree.nodes.

`plan_stream(plan_id)` (reports.plan_tree.stream) is the plan export's read: the whole plan in
the order of the export document, every kind of row streamed from one query through a
server-side cursor, so that memory does not grow with the plan (the trees above hold it whole).
"""

from reports.plan_tree.nodes import InitiativeNode, LinkTarget, MetricNode, ObjectiveNode, PartNode, PlanTree
from reports.plan_tree.read import ALL_PARTS, branch_tree, plan_inputs, plan_tree
from reports.plan_tree.stream import PlanStream, plan_stream

__all__ = [
    "ALL_PARTS",
    "InitiativeNode",
    "LinkTarget",
    "MetricNode",
    "ObjectiveNode",
    "PartNode",
    "PlanStream",
    "PlanTree",
    "branch_tree",
    "plan_inputs",
    "plan_stream",
    "plan_tree",
]
