"""Cards frozen under earlier schemas, shaped as the current one (4) before they are drawn.

A report card's data is frozen when it is requested and drawn again whenever it is previewed,
years later too, so html.py draws every schema: this module brings an older dict to schema 4
with the same rules (digest.py) the data builder applies, in place.

- Schema 1 (every reading, whole initiative lists, no counts beside them): readings thinned and
  kept for the charted metrics only, lists cut to their most urgent, counted.
- Schema 2 (every goal, objective and metric, each objective's supporting initiatives): the
  goals, objectives and metrics shown chosen by the caps, the rest counted; the plan-wide list
  of metrics furthest behind pace made from the frozen metrics. The plan-wide list of
  initiatives at risk or off track is not (a schema-2 card froze only each goal's most urgent):
  it is left out, and the card says so.
- Schema 3 (no overdue initiatives): the overdue count and list were not frozen and cannot be
  rebuilt from the frozen data; they are left out (`overdue` None), and the card says so.
"""

from reports.report_card import digest
from reports.report_card.data import ALIGNMENT_COUNTS, card_links
from reports.report_card.sections import tally


def upgrade(data: dict) -> None:
    """Bring a frozen card's dict to schema 4, in place (a schema-4 dict is left as it is)."""
    schema = data.get("schema", 1)
    if schema >= 4:
        return
    if schema < 2:
        _from_schema_1(data)
    if schema < 3:
        _from_schema_2(data)
    data["overdue"] = None
    for goal in data["goals"]:
        goal["overdue_count"] = None


def _from_schema_1(data: dict) -> None:
    for goal in data["goals"]:
        for objective in goal["objectives"]:
            for metric in objective["metrics"]:
                metric["reading_count"] = len(metric["readings"])
        goal.update(digest.cap_lists({name: goal[name] for name in digest.ORDERS}))


def _from_schema_2(data: dict) -> None:
    data["caps"] = digest.caps()
    data["links"] = card_links(slug=data["plan"]["slug"], plan_id=data["plan"]["id"])
    goals = data["goals"]
    objectives = [objective for goal in goals for objective in goal["objectives"]]
    data["overall"].update(
        goals=len(goals),
        goal_tally=tally(goals),
        objectives=len(objectives),
        metrics=sum(len(objective["metrics"]) for objective in objectives),
    )
    data["metrics_behind"] = _metrics_behind(goals)
    data["initiatives_behind"] = None
    glance = digest.shown_in_order(goals, digest.GOALS_AT_A_GLANCE, figure=lambda g: g, name=lambda g: g["number"])
    sections = {
        id(goal)
        for goal in digest.shown_in_order(glance, digest.GOAL_SECTIONS, figure=lambda g: g, name=lambda g: g["number"])
    }
    for goal in glance:
        _goal(goal, section=id(goal) in sections)
    data["goals"] = glance
    alignment = data["alignment"]
    rows = alignment["department_plans"]
    alignment["department_plan_count"] = len(rows)
    alignment["totals"] = {key: sum(row[key] for row in rows) for key in ALIGNMENT_COUNTS} if rows else {}
    alignment["department_plans"] = rows[: digest.DEPARTMENT_PLANS]
    requests = alignment["it_requests"]
    requests["exception_count"] = len(requests["exceptions"])
    requests["exceptions"] = requests["exceptions"][: digest.EXCEPTIONS]


def _metrics_behind(goals: list[dict]) -> list[dict]:
    metrics = [
        {**metric, "objective_code": objective["code"], "goal_number": goal["number"], "readings": []}
        for goal in goals
        for objective in goal["objectives"]
        for metric in objective["metrics"]
    ]
    return digest.furthest_behind(metrics, digest.METRICS_BEHIND, figure=lambda m: m, name=lambda m: m["name"])


def _goal(goal: dict, *, section: bool) -> None:
    objectives = goal.pop("objectives")
    goal.update(
        section=section,
        objective_count=len(objectives),
        metric_count=sum(len(objective["metrics"]) for objective in objectives),
    )
    if not section:
        return
    for objective in objectives:
        metrics = objective["metrics"]
        objective.update(
            metric_count=len(metrics),
            metric_tally=tally(metrics),
            initiative_count=len(objective["initiatives"]),
            counted_count=sum(item["counted"] for item in objective["initiatives"]),
        )
    detail, lines = digest.split_objectives(objectives)
    for objective in detail:
        objective["detail"] = True
        ordered = digest.order_metrics(objective["metrics"])
        for metric in ordered:
            # Schema 1 froze every reading: thinning is a no-op on a line already thinned.
            metric["readings"] = digest.thin_readings(metric["readings"]) if metric["charted"] else []
        objective["metrics"] = [m for m in ordered if m["charted"] or m["listed"]]
        if objective["initiative_count"] > digest.INITIATIVES_PER_OBJECTIVE:
            objective["initiatives"] = []
    for objective in lines:
        objective.update(detail=False, metrics=[], initiatives=[])
    kept = {id(objective) for objective in detail + lines}
    goal["objectives"] = [objective for objective in objectives if id(objective) in kept]
    goal["objective_tally"] = tally(objectives)
