"""The figures a report card prints: every node's cached figures, or the year-end snapshot's.

For a fiscal year that has ended, the ProgressSnapshot rows taken on the year's last day when
there are any; otherwise, and for the year in progress, the figures cached on each row. With
cached figures, "stale" is judged on the day the card is prepared.
"""

import datetime

from django.utils import timezone

from planboard.core import progress
from reports.models import ProgressSnapshot
from reports.plan_tree import PlanTree


def figure(progress_value: float | None, pace_value: float | None, health: str) -> dict:
    """One node's figures as the card freezes them: progress, pace, health, grade and its ratio."""
    return {
        "progress": progress_value,
        "pace": pace_value,
        "health": health or "",
        "grade": progress.grade(progress_value, pace_value),
        "ratio": progress.grade_ratio(progress_value, pace_value),
    }


class Figures:
    """The figures of every node of a plan at one date, from snapshots or from the cached fields."""

    def __init__(self, tree: PlanTree, fy_end: datetime.date, today: datetime.date):
        self.by_node: dict[tuple[str, int], dict] = {}
        self.stale: set[int] = set()
        plan = tree.plan
        snapshots = []
        if fy_end < today:
            snapshots = list(
                ProgressSnapshot.objects.filter(plan_id=plan.id, taken_on=fy_end).values_list(
                    "node_type", "node_id", "progress", "pace", "health", "stale_count"
                )
            )
        if snapshots:
            self.source, self.as_of, self.computed_at = "snapshot", fy_end, None
            for node_type, node_id, value, expected, health, stale_count in snapshots:
                self.by_node[(node_type, node_id)] = figure(value, expected, health)
                if node_type == ProgressSnapshot.Node.INITIATIVE and stale_count:
                    self.stale.add(node_id)
            return
        self.source = "cached"
        self.computed_at = plan.computed_at
        self.as_of = timezone.localdate(plan.computed_at) if plan.computed_at else today
        levels = {
            "plan": [plan],
            "goal": tree.goals,
            "objective": tree.objectives,
            "metric": tree.metrics,
            "initiative": tree.initiatives,
        }
        for node_type, items in levels.items():
            for item in items:
                self.by_node[(node_type, item.id)] = figure(item.progress, item.pace, item.health)
        for item in tree.initiatives:
            if progress.is_stale(
                status=item.status,
                last_update_on=item.last_update_on,
                start_date=item.start_date,
                cadence_days=item.update_cadence_days or plan.update_cadence_days,
                today=today,
            ):
                self.stale.add(item.id)

    def of(self, node_type: str, node_id: int) -> dict:
        """The node's figures; a node that did not exist when the snapshot was taken has none."""
        return self.by_node.get((node_type, node_id)) or figure(None, None, "")
