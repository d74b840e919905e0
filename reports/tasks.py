"""Celery tasks for the progress engine. Each is thin: load by id, call the service.

Recalculation is queued after the transaction that changed a plan commits. Deduplication comes
from the plan's dirty flag (goals.services.plan_mark_changed queues only when the flag goes from
clean to dirty) and the debounce below: a burst of updates to one plan within the debounce
window leads to one recalculation.
"""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)
_broker_unreachable = False


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def recalculate_plan(plan_id: int) -> None:
    from reports.recalculation import plan_recalculate

    plan_recalculate(plan_id=plan_id)


@shared_task(acks_late=True)
def recalculate_dirty_plans() -> int:
    """Catch up plans whose figures are out of date (for example after the broker was down)."""
    from reports.recalculation import plans_recalculate

    return plans_recalculate(only_dirty=True)


@shared_task(acks_late=True)
def recalculate_all_and_snapshot() -> int:
    """The nightly run: every plan recalculated and the day's snapshot taken."""
    from reports.recalculation import plans_recalculate

    return plans_recalculate(snapshot=True)


def queue_plan_recalculation(plan_id: int) -> bool:
    """Queue a recalculation of one plan; never raise, never hang when the broker is down.

    If it cannot be queued the plan stays marked dirty, and the periodic catch-up run (or
    `manage.py recalculate`) recalculates it. The outage is logged once, not on every save.
    """
    global _broker_unreachable
    try:
        recalculate_plan.apply_async(args=[plan_id], countdown=settings.RECALCULATION_DEBOUNCE_SECONDS, retry=False)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        if not _broker_unreachable:
            logger.error(
                "Could not queue the recalculation of plan %s (%s: %s). The plan stays marked for "
                "recalculation; the next scheduled run or `manage.py recalculate` will catch up. "
                "Further failures are not logged until the broker answers again.",
                plan_id, type(exc).__name__, exc,
            )
        _broker_unreachable = True
        return False
    if _broker_unreachable:
        logger.warning("The task broker answers again; recalculations are queued as usual.")
        _broker_unreachable = False
    return True


@shared_task(acks_late=True)
def send_stale_reminders() -> int:
    """The weekly digest to owners of stale initiatives and due metric readings."""
    from reports.reminders import reminders_send

    return reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(ConnectionError,), retry_backoff=True,
             max_retries=3)
def render_report_card(report_card_id: int) -> str | None:
    """Render one report card's PDF. Idempotent: a second delivery finds it done and stops there;
    one left `rendering` by a worker that died is rendered again (acks late, so it is redelivered)."""
    from reports.services import report_card_render

    card = report_card_render(card_id=report_card_id)
    return card.status if card else None


@shared_task(acks_late=True)
def report_cards_catch_up() -> int:
    """Daily: draft each active enterprise plan's card for the fiscal year that just ended, and
    queue again cards left queued (broker down) or rendering (worker lost) for too long."""
    from reports.services import report_cards_catch_up as catch_up

    return catch_up()
