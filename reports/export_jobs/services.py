"""Plan export jobs: request one (or reuse a fresh one), write its file, expire old files.

Who may start an export: whoever may read the plan (planboard.core.permissions.can_view_plan, the
rule of the synchronous export), the public included for published plans. Every request is logged
(this module's logger: who, which plan, new or reused) and each change of a job is recorded by
django-simple-history.

Freshness. A person asking again gets the same job while it is queued or running (one working job
per plan and person, a database constraint), or while it is done, not expired, and was started after
the plan's figures were last computed: the recalculation follows every change to the plan (and runs
nightly), so a plan that changed since gets a new file. Anonymous readers of a published plan share
the jobs requested by nobody; the constraint does not cover them (NULLs differ), so two anonymous
requests at the same instant may start two jobs, which both finish: accepted for simplicity.

Idempotent writing. `plan_export_write_file` claims the job, streams the document into a temporary
file (FILE_UPLOAD_TEMP_DIR), then saves it through the file field's storage under the job's own
folder. A second delivery of the task (acks late) finds the job done and stops; one that ran at the
same time as another (a redelivery while the first still writes) finds the job done when it finishes
and deletes its own file, so the job ends with one file. Files left by a worker killed between the
save and the commit sit in the same folder and go when the job expires.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goals.models import Plan
from planboard.core import permissions
from planboard.core.audit import save_audited
from reports.models import PlanExport
from reports.plan_export import plan_export_write

logger = logging.getLogger(__name__)
State = PlanExport.State
FOLDER = "plan-exports"
# A job queued this long ago that no worker started lost its message (broker down): queue it again.
QUEUED_STUCK_AFTER = datetime.timedelta(minutes=10)
# A job running this long lost its worker (past the task's hard time limit, reports.tasks): again.
RUNNING_STUCK_AFTER = datetime.timedelta(hours=1, minutes=5)


def _person(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _fresh(plan: Plan, person) -> PlanExport | None:
    """The person's job for the plan that a new request would only repeat, if there is one."""
    now = timezone.now()
    done = Q(state=State.DONE, expires_at__gt=now)
    if plan.computed_at is not None:
        done &= Q(started_at__gte=plan.computed_at)
    jobs = PlanExport.objects.filter(plan=plan, requested_by=person).filter(Q(state__in=PlanExport.WORKING) | done)
    return jobs.select_related("plan").order_by("-requested_at", "-id").first()


def plan_export_request(*, plan: Plan, actor) -> tuple[PlanExport, bool]:
    """Start writing `plan`'s export document in the background for `actor`, or return their fresh
    job (see the module's docstring); True when a job was started. The task is queued after the
    job's row commits; without a broker it runs inline, so the job returned may already be done."""
    if not permissions.can_view_plan(actor, plan):
        raise PermissionDenied(f"You may not export “{plan}”.")
    person = _person(actor)
    job, created = _fresh(plan, person), False
    if job is None:
        try:
            with transaction.atomic():
                job = PlanExport(plan=plan, requested_by=person)
                save_audited(job, actor=actor, reason="Requested", validate=False)
                _queue(job.pk)
        except IntegrityError:
            job = _fresh(plan, person)  # a request of the same person won the race: theirs is the fresh one
            if job is None:  # ... and has failed already: ask again
                return plan_export_request(plan=plan, actor=actor)
        else:
            created = True
            job.refresh_from_db()  # inline (no broker), the task has already run
    how = "started" if created else "reused"
    logger.info("Plan export %s of plan %s (%s) %s for %s.", job.pk, plan.pk, plan.slug, how, person or "the public")
    return job, created


def _queue(job_id: int) -> None:
    from reports.tasks import write_plan_export

    write_plan_export.apply_async(args=[job_id])  # after the commit; never raises


def _claim(job_id: int) -> PlanExport | None:
    """Mark the job running; None when there is nothing to do (gone, done, failed or expired). A job
    found running was left by a worker that died, or is being written by another delivery."""
    with transaction.atomic():
        job = PlanExport.objects.select_for_update(of=("self",)).select_related("plan").filter(pk=job_id).first()
        if job is None or job.state not in PlanExport.WORKING:
            return None
        job.state, job.started_at, job.error = State.RUNNING, timezone.now(), ""
        save_audited(job, reason="Writing the file", validate=False)
    return job


def plan_export_write_file(*, job_id: int) -> PlanExport | None:
    """Write the export document of a job into its file, recording its size and times. Idempotent
    (see the module's docstring); an error leaves the job `failed` with the message and no file."""
    job = _claim(job_id)
    if job is None:
        return PlanExport.objects.filter(pk=job_id).first()
    storage = job.file.storage
    saved = None
    try:
        with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
            size = plan_export_write(job.plan_id, spool)
            spool.seek(0)
            saved = storage.save(f"{FOLDER}/{job.pk}/{job.plan.slug}-export.json", File(spool))
        with transaction.atomic():
            current = PlanExport.objects.select_for_update().get(pk=job.pk)
            if current.state != State.RUNNING or current.file:
                storage.delete(saved)  # another delivery finished first: its file is the job's
                return current
            now = timezone.now()
            current.file.name, current.size, current.state = saved, size, State.DONE
            current.finished_at = now
            current.expires_at = now + datetime.timedelta(days=settings.PLANBOARD_EXPORT_KEEP_DAYS)
            save_audited(current, reason="File written", validate=False)
        logger.info("Plan export %s of plan %s written: %s bytes.", job.pk, job.plan_id, size)
        return current
    except Exception as exc:
        logger.exception("Plan export %s of plan %s failed.", job.pk, job.plan_id)
        if saved is not None:
            storage.delete(saved)
        current = PlanExport.objects.get(pk=job.pk)
        current.state, current.finished_at = State.FAILED, timezone.now()
        current.error = f"{type(exc).__name__}: {exc}"[:2000]
        save_audited(current, reason="Failed", validate=False)
        return current


def _delete_files(job: PlanExport) -> None:
    """The job's file and any file a killed worker left in the job's folder."""
    storage = job.file.storage
    folder = f"{FOLDER}/{job.pk}"
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        names = []
    for name in names:
        storage.delete(f"{folder}/{name}")
    if job.file:
        storage.delete(job.file.name)


def plan_exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of done exports past their expiry (the job stays, `expired`, for the
    record), and queue again exports whose task was lost. Returns how many files were deleted."""
    now = now or timezone.now()
    expired = 0
    for job in PlanExport.objects.filter(state=State.DONE, expires_at__lte=now).select_related("plan"):
        _delete_files(job)
        job.state, job.file.name = State.EXPIRED, ""
        save_audited(job, reason="Expired", validate=False)
        expired += 1
    stuck = PlanExport.objects.filter(
        Q(state=State.QUEUED, requested_at__lt=now - QUEUED_STUCK_AFTER)
        | Q(state=State.RUNNING, started_at__lt=now - RUNNING_STUCK_AFTER)
    ).values_list("pk", flat=True)
    for job_id in stuck:
        _queue(job_id)
    if expired:
        logger.info("Deleted the files of %s expired plan exports.", expired)
    return expired
