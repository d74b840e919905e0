"""The spreadsheet import's Celery task (queued by the import page for large files)."""

from celery import shared_task


# A 20,000-row file (TRANSFER_MAX_ROWS) posts one service call per row: far beyond the default
# five-minute limit, which would roll the whole import back.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3600, time_limit=3660)
def run_spreadsheet_import(job_id: str) -> str:
    """Run a large spreadsheet import saved by the import page. Idempotent: a second delivery finds
    every row already stored (all or nothing, identical rows skipped) and changes nothing."""
    from planboard.transfer.jobs import job_run

    return job_run(job_id).status
