"""Which of a plan's initiatives were overdue on a date, for the report card: as of the fiscal
year's last day for a year that has ended, as of the day the card is prepared otherwise.

The rule is planboard.core.progress.is_overdue, applied to the status each initiative had then:
the status of its latest update dated on or before that day (the record is append-only, so this
is what the owner had reported by then). An initiative with no update by then keeps the status
it was created with, except that one completed after that day was not completed then. One
query, for the initiatives whose target date had passed by then only.
"""

import datetime

from django.db.models import OuterRef, Subquery

from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from planboard.core import progress


def overdue_initiative_ids(plan_id: int, as_of: datetime.date) -> set[int]:
    """The ids of the plan's initiatives overdue on `as_of` (target date before it, not completed
    or cancelled by then)."""
    reported = (
        StatusUpdate.objects.filter(initiative=OuterRef("pk"), as_of__lte=as_of)
        .order_by("-as_of", "-created_at")
        .values("status")[:1]
    )
    rows = (
        Initiative.objects.filter(plan_id=plan_id, target_date__lt=as_of)
        .order_by()
        .annotate(status_then=Subquery(reported))
        .values_list("pk", "status_then", "status", "completed_date", "target_date")
    )
    overdue = set()
    for pk, status_then, status, completed_date, target_date in rows:
        if status_then is None:
            completed_later = status == InitiativeStatus.COMPLETED and (
                completed_date is None or completed_date > as_of
            )
            status_then = InitiativeStatus.NOT_STARTED if completed_later else status
        if progress.is_overdue(status=status_then, target_date=target_date, today=as_of):
            overdue.add(pk)
    return overdue
