"""The reporting tracker's rows for its page: `reporting_tracker`'s counts (reports/cycle/selectors.py),
each with the key that "send a reminder now" posts and the owners it would remind."""

import datetime
from dataclasses import dataclass, field

from reports.cycle.selectors import NO_OWNER, TrackerRow, reporting_tracker


@dataclass
class PageRow:
    key: str  # "department:<name>" or "owner:<user id>": what "send a reminder now" posts
    counts: TrackerRow
    remind_ids: list[int] = field(default_factory=list)  # owners with something not reported yet

    def __getattr__(self, name: str):
        # label, owed, reported, on_time, late, missing, share_on_time: the counts' own.
        if name == "counts":
            raise AttributeError(name)
        return getattr(self.counts, name)


@dataclass
class TrackerPage:
    departments: list[PageRow]
    owners: list[PageRow]
    total: TrackerRow


def tracker_page(*, plan, period, today: datetime.date) -> TrackerPage:
    """The tracker of `period` of `plan` with, per row, whom a reminder would reach (one query)."""
    tracker = reporting_tracker(plan=plan, period=period, today=today)
    missing_by_department: dict[str, set[int]] = {}
    ids_by_label: dict[str, list[int | None]] = {}  # the owners' ids in the order they first appear
    for item in tracker.items:
        ids = ids_by_label.setdefault(item.owner, [])
        if item.owner_id not in ids:
            ids.append(item.owner_id)
        if item.reported_on is None and item.owner_id is not None:
            missing_by_department.setdefault(item.department, set()).add(item.owner_id)
    # by_owner has one row per user, labelled by name, in the order of first appearance sorted by
    # label (a stable sort): two people of the same name take their ids in that same order.
    owners = []
    for counts in tracker.by_owner:
        ids = ids_by_label.get(counts.label) or [None]
        owner_id = ids.pop(0)
        remind = [owner_id] if owner_id is not None and counts.missing and counts.label != NO_OWNER else []
        owners.append(PageRow(f"owner:{owner_id or 'none'}", counts, remind))
    departments = [
        PageRow(f"department:{counts.label}", counts, sorted(missing_by_department.get(counts.label, ())))
        for counts in tracker.by_department
    ]
    return TrackerPage(departments=departments, owners=owners, total=tracker.total)
