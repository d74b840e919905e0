"""Celery tasks for the progress engine. Each is thin: load by id, call the service.

Recalculation is queued after the transaction that changed a plan commits (TransactionAwareTask).
Deduplication comes from the "queued" mark in the shared cache (goals.services.plan_mark_changed
queues only when no run of the plan is waiting) and the debounce (RECALCULATION_DEBOUNCE_SECONDS):
a burst of updates to one plan within the debounce window leads to one recalculation. A run that
fails on the database (a lost connection; a deadlock or serialization failure that its own three
attempts did not get past) is retried with a back-off; its changes stay pending meanwhile.
"""

import logging

from celery import shared_task
from django.db import OperationalError

from planboard.core.tasks import TransactionAwareTask

logger = logging.getLogger(__name__)


@shared_task(
    base=TransactionAwareTask,
    queued_what="the recalculation of plan",
    acks_late=True,
    autoretry_for=(ConnectionError, OperationalError),
    retry_backoff=True,
    max_retries=5,
)
def recalculate_plan(plan_id: int) -> None:
    """Recalculate one plan. Queued by goals.services.plan_mark_changed once the change commits;
    if it cannot be queued the plan stays marked dirty for recalculate_dirty_plans."""
    from reports.recalculation import plan_recalculate

    plan_recalculate(plan_id=plan_id, only_if_changed=True)


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


@shared_task(acks_late=True)
def send_stale_reminders() -> int:
    """The weekly digest to owners of stale initiatives and due metric readings."""
    from reports.reminders import reminders_send

    return reminders_send()


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3
)
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


@shared_task(acks_late=True)
def close_due_periods() -> int:
    """Daily: close every reporting period whose due date plus its plan's grace has passed.
    Idempotent: a closed period is not closed again."""
    from reports.cycle.services import periods_close_due

    return periods_close_due()


# At ten times the city the document takes minutes to write: past the default five-minute limit.
@shared_task(
    base=TransactionAwareTask,
    queued_what="the plan export",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3600,
    time_limit=3660,
)
def write_plan_export(job_id: int) -> str | None:
    """Write one plan export's file. Idempotent: a second delivery finds the job done and stops; a
    job left running by a worker that died is written again (acks late, so it is redelivered)."""
    from reports.export_jobs.services import plan_export_write_file

    job = plan_export_write_file(job_id=job_id)
    return job.state if job else None


@shared_task(acks_late=True)
def expire_plan_exports() -> int:
    """Every quarter of an hour: delete expired export files, queue again exports whose task was lost."""
    from reports.export_jobs.services import plan_exports_expire

    return plan_exports_expire()
