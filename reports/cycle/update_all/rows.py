"""The rows of the update-all page, read from `items_owed` (reports/cycle/selectors.py) and shaped
for the page: one Row per initiative or metric owed, with the previous update or reading."""

import datetime
from dataclasses import dataclass, field

from django import forms

from goals.models import Metric, MetricReading
from initiatives.models import Initiative, StatusUpdate
from reports.cycle.selectors import OwedItem, items_owed


@dataclass(eq=False)
class Row:
    """One item owed. `period_end` is what the saved row reports for: the reporting period's last day
    for an initiative (StatusUpdate.period_ends_on), the reading's period end for a metric."""

    kind: str  # "initiative" | "metric"
    item: Initiative | Metric
    previous: StatusUpdate | MetricReading | None
    period_label: str
    period_end: datetime.date
    due_on: datetime.date
    late: bool
    form: forms.Form | None = None
    saved: bool = False
    number: int = 0  # its place on the page, 1, 2, ...: errors name the row by it
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, message, input id)

    @property
    def prefix(self) -> str:
        return f"{self.kind[0]}{self.item.pk}"

    @property
    def name(self) -> str:
        if self.kind == "initiative":
            return f"{self.item.code} {self.item.title}"
        return self.item.name


def owed_rows(*, user, today: datetime.date) -> list[Row]:
    """What `user` owes now, initiatives first (in the selector's order), in a fixed number of queries."""
    rows = [_row(owed) for owed in items_owed(user=user, today=today)]
    rows = [row for row in rows if row.kind == "initiative"] + [row for row in rows if row.kind == "metric"]
    for number, row in enumerate(rows, start=1):
        row.number = number
        row.saved = _reported(row)
    return rows


def _reported(row: Row) -> bool:
    """Whether the row's latest update or reading already reports for its period: saved, and the
    cached figures that `items_owed` reads not yet recalculated (with a broker, a few seconds)."""
    previous = row.previous
    if previous is None:
        return False
    reported_for = previous.period_ends_on if row.kind == "initiative" else previous.period_end
    return reported_for is not None and reported_for >= row.period_end


def _row(owed: OwedItem) -> Row:
    """An OwedItem as a Row: an initiative reports for its plan's period, a metric's reading for the
    period of the metric's own frequency (its period end is the reading's `period_end`)."""
    return Row(
        kind=owed.kind,
        item=owed.item,
        previous=owed.previous,
        period_label=owed.period.label,
        period_end=owed.period.ends_on,
        due_on=owed.due_on,
        late=owed.is_late,
    )
