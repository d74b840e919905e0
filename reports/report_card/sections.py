"""The goals, objectives, metrics and initiatives a report card shows, as plain dicts, chosen from
the plan tree by digest.py's caps; and the appendix's plan-wide lists.

Every count covers the whole plan, but a dict is made only for what the card shows, so memory
and the frozen JSON stay bounded whatever the size of the plan: of the 10x city's 30,000
initiatives and 25,000 metrics, a few hundred of each are written out.

The tree is read without details and without readings (data.py), the figures being all the
choice needs; what is printed of the few shown is read afterwards, for them only, in four
queries: the descriptions of the goals with a section and the latest reading of each metric
whose row is drawn (`goals`), the owners and departments of the initiatives listed
(`add_people`), and the readings of the charted metrics (`chart_readings`). At the 10x city the
tree's metric query with every metric's latest reading and count took 2.4 s of the 4.6.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import replace

from goals.models import Goal, Health, Metric, MetricReading
from initiatives.models import Initiative, InitiativeStatus
from planboard.core import progress
from planboard.core.choices import Frequency, Term
from reports.explain import objective_sides
from reports.plan_tree import InitiativeNode, MetricNode, ObjectiveNode, PlanTree

# The plan tree reader's own rule for a metric's latest reading as of a date (one home).
from reports.plan_tree.read import _metric_readings as latest_reading_annotations
from reports.report_card import digest
from reports.report_card.figures import Figures

NEEDS_ATTENTION = frozenset({Health.AT_RISK, Health.OFF_TRACK})
STATUS_LABELS, TERM_LABELS = dict(InitiativeStatus.choices), dict(Term.choices)
FREQUENCY_LABELS = dict(Frequency.choices)
UNMEASURED = "unmeasured"  # the tally's key for a node without a progress figure
# The initiative's fields the card prints that the tree, read without details, leaves empty.
PEOPLE = {
    "owner_username": "owner__username",
    "owner_first_name": "owner__first_name",
    "owner_last_name": "owner__last_name",
    "department_name": "department__name",
}


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


def metric_row(item: MetricNode, figures: Figures, latest_reading: tuple | None) -> dict:
    """A metric's row; `latest_reading` is (period end, value) or None. Its readings and their
    count are filled in for a charted metric only (Sections.chart_readings)."""
    latest = {"period_end": latest_reading[0], "value": float(latest_reading[1])} if latest_reading else None
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
        "reading_count": None,
        "latest": latest,
    }


def tally(figures: list[dict]) -> dict[str, int]:
    """How many nodes have each health; those without a progress figure as UNMEASURED."""
    return dict(Counter(f["health"] if f["progress"] is not None else UNMEASURED for f in figures))


class Sections:
    """What the card shows of one plan's tree, at the figures of `figures`."""

    def __init__(
        self,
        tree: PlanTree,
        figures: Figures,
        fy_start: datetime.date,
        fy_end: datetime.date,
        overdue: set[int] = frozenset(),
    ):
        self.tree, self.figures = tree, figures
        # The initiatives overdue on the card's date (reports.report_card.overdue), over the whole plan.
        self.overdue = set(overdue)
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
        self.fy_end = fy_end
        self.charted: list[dict] = []
        self.listed: list[dict] = []  # initiative rows, given owners and departments by add_people
        self.latest: dict[int, tuple] = {}
        self.behind = digest.furthest_behind(
            tree.metrics,
            digest.METRICS_BEHIND,
            figure=lambda metric: self._figure("metric", metric),
            name=lambda metric: metric.name,
        )

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
        # Which objectives each section draws, from the figures alone; then what is printed of them.
        shown = {goal_id: self._shown_objectives(goal_id) for goal_id in sections}
        drawn = [o["id"] for detail, _, _ in shown.values() for o in detail]
        self._read_latest([m.id for o in drawn for m in self.tree.metrics_of.get(o, ())] + [m.id for m in self.behind])
        descriptions = dict(Goal.objects.filter(pk__in=sections).values_list("pk", "description"))
        rows = []
        for goal in glance:
            row = self._goal(goal, shown.get(goal.id))
            if row["section"]:
                row["description"] = descriptions.get(goal.id, "")
            rows.append(row)
        return rows

    def _shown_objectives(self, goal_id: int) -> tuple[list[dict], list[dict], list[dict]]:
        """A section's objectives drawn in detail and one line each, and all of them (code order)."""
        objectives = [self._objective(o) for o in self.tree.objectives_of.get(goal_id, [])]
        detail, lines = digest.split_objectives(objectives)
        return detail, lines, objectives

    def _read_latest(self, metric_ids: list[int]) -> None:
        """The latest reading (as of the year's end) of each metric whose row is drawn: one query."""
        rows = (
            Metric.objects.filter(pk__in=metric_ids)
            .order_by()
            .annotate(**latest_reading_annotations(self.fy_end, False))
            .values_list("pk", "latest_on", "latest_value")
        )
        self.latest = {pk: (on, value) for pk, on, value in rows if on is not None}

    def _goal(self, node, shown: tuple | None) -> dict:
        objectives = self.tree.objectives_of.get(node.id, [])
        members = self.members[node.id]
        row = {
            "id": node.id,
            "number": node.number,
            "title": node.title,
            "weight": float(node.weight),
            **self._figure("goal", node),
            "section": shown is not None,
            "objective_count": len(objectives),
            "metric_count": sum(len(self.tree.metrics_of.get(o.id, ())) for o in objectives),
            "initiative_count": len(members),
            "overdue_count": sum(i in self.overdue for i in members),
        }
        if shown is None:
            row.update({f"{name}_count": sum(i in ids for i in members) for name, ids in self.lists.items()})
            return row
        detail, lines, every = shown
        for objective in detail:
            self._objective_detail(objective)
        for objective in lines:
            objective["detail"] = False
        kept = {id(o) for o in detail + lines}
        row["objectives"] = [o for o in every if id(o) in kept]
        row["objective_tally"] = tally(every)
        by_list = {
            name: [initiative_row(self.initiatives[i], self.figures) for i in members if i in ids]
            for name, ids in self.lists.items()
        }
        row.update(digest.cap_lists(by_list))
        self.listed += [item for name in digest.ORDERS for item in row[name]]
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
        rows = digest.order_metrics(
            metric_row(m, self.figures, self.latest.get(m.id)) for m in self.tree.metrics_of.get(objective["id"], [])
        )
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
            row["reading_count"] = len(readings[metric_id])
            row["readings"] = digest.thin_readings(readings[metric_id])

    def add_people(self) -> None:
        """Give the listed initiatives their owners and departments, in place: one query, for them only."""
        people = {}
        wanted = {row["id"] for row in self.listed}
        for pk, *values in Initiative.objects.filter(pk__in=wanted).order_by().values_list("pk", *PEOPLE.values()):
            # The node's own rule names the owner (full name, else user name).
            people[pk] = replace(self.initiatives[pk], **dict(zip(PEOPLE, values, strict=True)))
        for row in self.listed:
            row["owner"], row["department"] = people[row["id"]].owner_name, people[row["id"]].department_name or ""

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
            "overdue": len(self.overdue),
            "goals": len(self.tree.goals),
            "goal_tally": tally(goal_figures),
            "objectives": len(self.tree.objectives),
            "metrics": len(self.tree.metrics),
        }

    def metrics_behind(self) -> list[dict]:
        """The METRICS_BEHIND metrics of the plan furthest behind pace, with their objective and goal."""
        objectives = {o.id: o for o in self.tree.objectives}
        goals = {g.id: g for g in self.tree.goals}
        rows = []
        for metric in self.behind:
            objective = objectives[metric.objective_id]
            row = metric_row(metric, self.figures, self.latest.get(metric.id))
            del row["readings"]
            rows.append({**row, "objective_code": objective.code, "goal_number": goals[objective.goal_id].number})
        return rows

    def overdue_list(self) -> list[dict]:
        """The OVERDUE_LISTED overdue initiatives of the plan longest overdue (earliest target date)."""
        items = sorted((self.initiatives[i] for i in self.overdue), key=lambda i: (i.target_date, i.code))
        rows = [initiative_row(item, self.figures) for item in items[: digest.OVERDUE_LISTED]]
        self.listed += rows
        return rows

    def initiatives_behind(self) -> list[dict]:
        """The INITIATIVES_BEHIND initiatives at risk or off track, off track first, then furthest behind pace."""
        candidates = [self.initiatives[i] for i in self.lists["needs_attention"]]
        rows = [{"code": item.code, **self._figure("initiative", item), "node": item} for item in candidates]
        return [
            initiative_row(row["node"], self.figures) for row in digest.most_urgent(rows, digest.INITIATIVES_BEHIND)
        ]
