"""Marking a plan's figures out of date: `plan_mark_changed`, which every write to plan data calls
inside its transaction, so that the plan's recalculation is queued once the change has committed
(see reports.tasks)."""

from django.conf import settings

from goals.models import Plan
from planboard.core.tasks import RECALCULATE_PLAN, registered


def plan_mark_changed(*, plan_id: int) -> None:
    """Mark the plan's cached figures out of date and, after commit, queue its recalculation.

    The dirty flag is written inside the caller's transaction, so if the recalculation cannot be
    queued (broker down) the next scheduled run still finds the plan and catches up.
    """
    newly_dirty = Plan.objects.filter(pk=plan_id, needs_recalculation=False).update(needs_recalculation=True)
    # Already dirty means a recalculation is pending (queued, or due from the catch-up run):
    # queueing another would only repeat it. This is what bounds a burst of updates. The task
    # waits for the commit itself (planboard.core.tasks.TransactionAwareTask).
    if newly_dirty:
        registered(RECALCULATE_PLAN).apply_async(args=[plan_id], countdown=settings.RECALCULATION_DEBOUNCE_SECONDS)
