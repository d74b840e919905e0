"""The reporting tracker's figures shaped for its page, from `reporting_tracker` (reports/cycle/selectors.py)."""

from dataclasses import dataclass, field


@dataclass
class TrackerRow:
    key: str  # "department:3", "owner:12", "department:none": what "send a reminder now" names
    label: str
    owed: int
    reported: int
    on_time: int
    late: int  # reported after the due date
    share_on_time: float | None  # on time / owed; None when nothing is owed
    remind_ids: list[int] = field(default_factory=list)  # owners with something not reported

    @property
    def missing(self) -> int:
        return self.owed - self.reported


@dataclass
class TrackerPage:
    departments: list[TrackerRow]
    owners: list[TrackerRow]
    total: TrackerRow


def tracker_page(*, plan, period) -> TrackerPage:
    from reports.cycle.selectors import reporting_tracker

    return _shape(reporting_tracker(plan=plan, period=period))


def _shape(tracker) -> TrackerPage:
    raise NotImplementedError("wired to reporting_tracker's Tracker at the merge of branch periods")
