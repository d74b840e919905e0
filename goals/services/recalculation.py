"""Marking a plan's figures out of date, without ever waiting for a lock.

`plan_mark_changed`, which every write to plan data calls inside its transaction, inserts one
`PlanChange` row and, once the transaction commits, queues the plan's recalculation (see
reports.tasks and reports.recalculation). The plan's own row is not touched, so an editor's save
never queues behind another editor or behind a running recalculation, and no lock cycle can
include it.

Queueing is deduplicated through the shared cache: the first change after a recalculation
started queues the next one (with the debounce, RECALCULATION_DEBOUNCE_SECONDS), later ones see
the key and queue nothing. The order of events is what keeps a change from being missed:

- the key is added *after* the change commits (on_commit), and
- a recalculation deletes the key *before* it lists the pending changes it will clear, and lists
  them before it reads the plan.

So a change whose key-add failed committed before the key was deleted, hence before the list was
taken: that recalculation reads it. A change that commits later adds the key again and queues
another run. When the cache cannot be reached, every change queues (correct, only less thrifty);
when the broker cannot be reached the pending rows stay and the catch-up run finds them.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from goals.models import PlanChange
from planboard.core.changes import plans_changed
from planboard.core.tasks import RECALCULATE_PLAN, registered

logger = logging.getLogger(__name__)

QUEUED_KEY = "planboard:recalculation-queued:{plan_id}"
# How long a "queued" mark outlives the debounce: a message the broker lost, or a worker busy for
# longer than this, leads at worst to a second recalculation, never to none.
QUEUED_GRACE_SECONDS = 120


def plan_mark_changed(*, plan_id: int) -> None:
    """Record that the plan's data changed and, after commit, queue its recalculation.

    The mark is written inside the caller's transaction (it commits or rolls back with the
    change), so if the recalculation cannot be queued the next scheduled run still finds it.
    """
    plans_changed(plan_id)  # for the response cache: this transaction's writes are this plan's data
    PlanChange.objects.create(plan_id=plan_id)
    transaction.on_commit(lambda: _queue(plan_id))


def _queue(plan_id: int) -> None:
    key = QUEUED_KEY.format(plan_id=plan_id)
    debounce = settings.RECALCULATION_DEBOUNCE_SECONDS
    try:
        if not cache.add(key, 1, timeout=debounce + QUEUED_GRACE_SECONDS):
            return  # queued already, and that run has not started yet: it will read this change
    except Exception as error:  # the cache's client raises several types for a server it cannot reach
        logger.warning("Recalculation queueing is not deduplicated while the cache is unreachable (%s).", error)
    task = registered(RECALCULATE_PLAN)
    if not task.send_now(args=[plan_id], countdown=debounce):
        _forget_queued(plan_id)  # not queued after all: the next change tries again


def _forget_queued(plan_id: int) -> None:
    try:
        cache.delete(QUEUED_KEY.format(plan_id=plan_id))
    except Exception as error:  # as above
        logger.warning("The recalculation mark of plan %s could not be cleared (%s).", plan_id, error)


def plan_changes_claim(*, plan_id: int) -> list[int]:
    """The pending changes a recalculation starting now will account for (call before reading the
    plan). Clears the "queued" mark first, so any change committing from now on queues another run."""
    _forget_queued(plan_id)
    return list(PlanChange.objects.filter(plan_id=plan_id).values_list("pk", flat=True))


def plan_changes_clear(*, change_ids: list[int]) -> None:
    """Delete the changes a recalculation accounted for (inside the transaction storing its figures)."""
    if change_ids:
        PlanChange.objects.filter(pk__in=change_ids).delete()


def plan_recalculation_state(*, plan) -> str:
    """What became of the plan's figures after a change committed, for the message a writer sees:
    "recalculated" when no change is pending (tasks run inline, without a broker), "queued" when
    a broker holds the recalculation, "waiting" when it could not be queued (the broker is
    unreachable) and the next scheduled run will catch up. One query."""
    if not plan.needs_recalculation:
        return "recalculated"
    if registered(RECALCULATE_PLAN).broker_unreachable:
        return "waiting"
    return "queued"
