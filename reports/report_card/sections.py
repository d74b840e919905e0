"""The goals, objectives, metrics and initiatives a report card shows, as plain dicts, chosen from
the plan tree by digest.py's caps; and the appendix's plan-wide lists.

Every count covers the whole plan, but a dict is made only for what the card shows, so memory
and the frozen JSON stay bounded whatever the size of the plan: of the 10x city's 30,000
initiatives and 25,000 metrics, a few hundred of each are written out. No query is made here
except `chart_readings` (one, for the charted metrics).
"""

import datetime
from collections import Counter, defaultdict

from goals.models import Health, MetricReading
from initiatives.models import InitiativeStatus
from planboard.core import progress
from planboard.core.choices import Frequency, Term
from reports.explain import objective_sides
from reports.plan_tree import InitiativeNode, MetricNode, ObjectiveNode, PlanTree
from reports.report_card import digest
from reports.report_card.figures import Figures

NEEDS_ATTENTION = frozenset({Health.AT_RISK, Health.OFF_TRACK})
STATUS_LABELS, TERM_LABELS = dict(InitiativeStatus.choices), dict(Term.choices)
FREQUENCY_LABELS = dict(Frequency.choices)
UNMEASURED = "unmeasured"  # the tally's key for a node without a progress figure


def initiative_row(item: InitiativeNode, figures: Figures) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "title": item.title,
        "status": item.status,
        "status_label": STATUS_LABELS.get(item.status, item.status),
        "percent_complete": item.percent_complete,
        "counted": progress.is_counted(item.status),
        **figures.of("initiative", item.id),
        "stale": item.id in figures.stale,
        "last_update_on": item.last_update_on,
        "start_date": item.start_date,
        "target_date": item.target_date,
        "completed_date": item.completed_date,
        "owner": item.owner_name,
        "department": item.department_name or "",
    }


def metric_row(item: MetricNode, figures: Figures) -> dict:
    latest = {"period_end": item.latest_on, "value": float(item.latest_value)} if item.latest_on else None
    return {
        "id": item.id,
        "name": item.name,
        "unit": item.unit,
        "direction": item.direction,
        "baseline": float(item.baseline),
        "baseline_date": item.baseline_date,
        "target": float(item.target),
        "target_date": item.target_date,
        "frequency": FREQUENCY_LABELS.get(item.frequency, item.frequency),
        **figures.of("metric", item.id),
        "readings": [],
        "reading_count": item.reading_count,
        "latest": latest,
    }


def tally(figures: list[dict]) -> dict[str, int]:
    """How many nodes have each health; those without a progress figure as UNMEASURED."""
    return dict(Counter(f["health"] if f["progress"] is not None else UNMEASURED for f in figures))


class Sections:
    """What the card shows of one plan's tree, at the figures of `figures`."""

    def __init__(self, tree: PlanTree, figures: Figures, fy_start: datetime.date, fy_end: datetime.date):
        self.tree, self.figures = tree, figures
        # Which initiatives are in each of the card's lists (sets of ids, over the whole plan).
        self.lists: dict[str, set[int]] = {"completed": set(), "needs_attention": set(), "stale": set()}
        for item in tree.initiatives:
            if (
                item.status == InitiativeStatus.COMPLETED
                and item.completed_date is not None
                and fy_start <= item.completed_date <= fy_end
            ):
                self.lists["completed"].add(item.id)
            if progress.is_counted(item.status) and figures.of("initiative", item.id)["health"] in NEEDS_ATTENTION:
                self.lists["needs_attention"].add(item.id)
        self.lists["stale"] = {item.id for item in tree.initiatives if item.id in figures.stale}
        self.initiatives = {item.id: item for item in tree.initiatives}
        # Each goal's initiatives: those supporting any of its objectives, an ordered set by code.
        self.members: dict[int, dict[int, None]] = defaultdict(dict)
        for objective in tree.objectives:
            self.members[objective.goal_id].update(dict.fromkeys(i.id for i in tree.supporters.get(objective.id, [])))
        self.charted: list[dict] = []

    def _figure(self, kind: str, node) -> dict:
        return self.figures.of(kind, node.id)

    # --- Goals ---------------------------------------------------------------------------

    def goals(self) -> list[dict]:
        """The goals at a glance (at most GOALS_AT_A_GLANCE, furthest behind pace when there are
        more, in goal order), those with a section (GOAL_SECTIONS, likewise) marked and filled."""
        figure = lambda goal: self._figure("goal", goal)  # noqa: E731
        glance = digest.shown_in_order(
            self.tree.goals, digest.GOALS_AT_A_GLANCE, figure=figure, name=lambda goal: goal.number
        )
        sections = {
            goal.id
            for goal in digest.shown_in_order(glance, digest.GOAL_SECTIONS, figure=figure, name=lambda g: g.number)
        }
        return [self._goal(goal, section=goal.id in sections) for goal in glance]

    def _goal(self, node, *, section: bool) -> dict:
        objectives = self.tree.objectives_of.get(node.id, [])
        members = self.members[node.id]
        row = {
            "id": node.id,
            "number": node.number,
            "title": node.title,
            "weight": float(node.weight),
            **self._figure("goal", node),
            "section": section,
            "objective_count": len(objectives),
            "metric_count": sum(len(self.tree.metrics_of.get(o.id, ())) for o in objectives),
            "initiative_count": len(members),
        }
        if not section:
            row.update({f"{name}_count": sum(i in ids for i in members) for name, ids in self.lists.items()})
            return row
        shown = [self._objective(objective) for objective in objectives]
        detail, lines = digest.split_objectives(shown)
        for objective in detail:
            self._objective_detail(objective)
        for objective in lines:
            objective["detail"] = False
        kept = {id(o) for o in detail + lines}
        row["description"] = node.description
        row["objectives"] = [o for o in shown if id(o) in kept]
        row["objective_tally"] = tally(shown)
        by_list = {
            name: [initiative_row(self.initiatives[i], self.figures) for i in members if i in ids]
            for name, ids in self.lists.items()
        }
        row.update(digest.cap_lists(by_list))
        return row

    # --- Objectives and metrics -----------------------------------------------------------

    def _objective(self, node: ObjectiveNode) -> dict:
        """An objective's figures, the counts and means of its metrics and initiatives."""
        metrics = self.tree.metrics_of.get(node.id, [])
        supporters = self.tree.supporters.get(node.id, [])
        metric_figures = [self._figure("metric", m) for m in metrics]
        sides = [
            {"progress": self._figure("initiative", i)["progress"], "counted": progress.is_counted(i.status)}
            for i in supporters
        ]
        metric_mean, initiative_mean = objective_sides(metric_figures, sides)
        return {
            "id": node.id,
            "code": node.code,
            "title": node.title,
            "term": node.term,
            "term_label": TERM_LABELS.get(node.term, node.term),
            "weight": float(node.weight),
            **self._figure("objective", node),
            "metric_mean": metric_mean,
            "initiative_mean": initiative_mean,
            "metric_count": len(metrics),
            "metric_tally": tally(metric_figures),
            "initiative_count": len(supporters),
            "counted_count": sum(side["counted"] for side in sides),
            "metrics": [],
            "initiatives": [],
        }

    def _objective_detail(self, objective: dict) -> None:
        """Give an objective drawn in detail its charted and listed metrics and, when it has at
        most INITIATIVES_PER_OBJECTIVE, its supporting initiatives (the appendix's I), in place."""
        objective["detail"] = True
        rows = digest.order_metrics(metric_row(m, self.figures) for m in self.tree.metrics_of.get(objective["id"], []))
        objective["metrics"] = [m for m in rows if m["charted"] or m["listed"]]
        self.charted.extend(m for m in objective["metrics"] if m["charted"])
        supporters = self.tree.supporters.get(objective["id"], [])
        if len(supporters) <= digest.INITIATIVES_PER_OBJECTIVE:
            objective["initiatives"] = [
                {
                    "code": i.code,
                    "progress": self._figure("initiative", i)["progress"],
                    "counted": progress.is_counted(i.status),
                }
                for i in supporters
            ]

    def chart_readings(self, fy_end: datetime.date) -> None:
        """Give the charted metrics their thinned readings, in place: one query, for them only."""
        charted = {m["id"]: m for m in self.charted}
        readings: dict[int, list[dict]] = defaultdict(list)
        for metric_id, period_end, value in (
            MetricReading.objects.filter(metric_id__in=list(charted), period_end__lte=fy_end)
            .order_by("metric_id", "period_end")
            .values_list("metric_id", "period_end", "value")
        ):
            readings[metric_id].append({"period_end": period_end, "value": float(value)})
        for metric_id, row in charted.items():
            row["readings"] = digest.thin_readings(readings[metric_id])

    # --- The plan as a whole ------------------------------------------------------------

    def counts(self) -> dict:
        """The plan's counts: initiatives (counted, not linked to an objective, in each list),
        goals by health, objectives and metrics."""
        everything = self.tree.initiatives
        linked = set(self.tree.supported)
        goal_figures = [self._figure("goal", goal) for goal in self.tree.goals]
        return {
            "initiatives": len(everything),
            "counted": sum(progress.is_counted(i.status) for i in everything),
            "unlinked": sum(i.id not in linked for i in everything),
            **{name: len(ids) for name, ids in self.lists.items()},
            "goals": len(self.tree.goals),
            "goal_tally": tally(goal_figures),
            "objectives": len(self.tree.objectives),
            "metrics": len(self.tree.metrics),
        }

    def metrics_behind(self) -> list[dict]:
        """The METRICS_BEHIND metrics of the plan furthest behind pace, with their objective and goal."""
        top = digest.furthest_behind(
            self.tree.metrics,
            digest.METRICS_BEHIND,
            figure=lambda metric: self._figure("metric", metric),
            name=lambda metric: metric.name,
        )
        objectives = {o.id: o for o in self.tree.objectives}
        goals = {g.id: g for g in self.tree.goals}
        rows = []
        for metric in top:
            objective = objectives[metric.objective_id]
            row = metric_row(metric, self.figures)
            del row["readings"]
            rows.append({**row, "objective_code": objective.code, "goal_number": goals[objective.goal_id].number})
        return rows

    def initiatives_behind(self) -> list[dict]:
        """The INITIATIVES_BEHIND initiatives at risk or off track, off track first, then furthest behind pace."""
        candidates = [self.initiatives[i] for i in self.lists["needs_attention"]]
        rows = [{"code": item.code, **self._figure("initiative", item), "node": item} for item in candidates]
        return [
            initiative_row(row["node"], self.figures) for row in digest.most_urgent(rows, digest.INITIATIVES_BEHIND)
        ]
