"""The rows of the update-all page, read from `items_owed` (reports/cycle/selectors.py) and shaped
for the page: one Row per initiative or metric owed, with the previous update or reading."""

import datetime
from dataclasses import dataclass, field

from django import forms

from goals.models import Metric, MetricReading
from initiatives.models import Initiative, StatusUpdate


@dataclass
class Row:
    """One item owed. `period_end` is what the saved row reports for: the reporting period's last day
    for an initiative (StatusUpdate.period_ends_on), the reading's period end for a metric."""

    kind: str  # "initiative" | "metric"
    item: Initiative | Metric
    previous: StatusUpdate | MetricReading | None
    period_label: str
    period_end: datetime.date
    due_on: datetime.date | None
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
    from reports.cycle.selectors import items_owed

    rows = [_row(owed) for owed in items_owed(user=user, today=today)]
    rows = [row for row in rows if row.kind == "initiative"] + [row for row in rows if row.kind == "metric"]
    for number, row in enumerate(rows, start=1):
        row.number = number
    return rows


def _row(owed) -> Row:
    """An OwedItem (reports.cycle.selectors) as a Row."""
    item = owed.item
    kind = "initiative" if isinstance(item, Initiative) else "metric"
    period = owed.period
    period_end = getattr(owed, "period_end", None) or period.ends_on
    return Row(
        kind=kind,
        item=item,
        previous=owed.previous,
        period_label=period.label,
        period_end=period_end,
        due_on=getattr(owed, "due_on", None) or period.due_on,
        late=getattr(owed, "state", "") == "late",
    )
