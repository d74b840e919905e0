"""An import as a job: the upload kept on disk, its state and progress readable by the page that polls.

The web process saves the upload and a small JSON state file under MEDIA_ROOT/transfer/<job id>/
(the web and worker containers share media, as for report card PDFs), then either runs the job
inline (small files, or no broker) or queues `planboard.transfer.tasks.run_spreadsheet_import`. The job
writes its progress to the state file as it goes; the problems of a refused file go to
problems.csv beside it. Files instead of a table keep imports free of a migration and work the
same with or without Celery; the state is only ever read by the person who started the job.
"""

import csv
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from planboard.transfer.imports import import_file
from planboard.transfer.problems import FileRefused, ImportRefused, Problem, problems_csv

logger = logging.getLogger(__name__)
WORKING = ("queued", "checking", "saving")
PROGRESS_EVERY_SECONDS = 0.5
KEEP_JOBS_SECONDS = 7 * 24 * 3600  # a finished job's page and problems stay readable for a week


@dataclass
class Job:
    id: str
    kind: str
    user_id: int
    filename: str
    correct: bool = False
    decimal_comma: bool = False
    status: str = "queued"  # queued, checking, saving, done, refused, failed
    done: int = 0
    total: int = 0
    message: str = ""
    problem_count: int = 0

    @property
    def working(self) -> bool:
        return self.status in WORKING

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


def _folder(job_id: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "transfer" / job_id


def _upload_path(job: Job) -> Path:
    return _folder(job.id) / ("upload" + Path(job.filename).suffix.lower())


def problems_path(job: Job) -> Path:
    return _folder(job.id) / "problems.csv"


def job_save(job: Job) -> None:
    """Write the state atomically, so a polling page never reads half a file."""
    folder = _folder(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / "state.json.partial"
    partial.write_text(json.dumps(asdict(job)), encoding="utf-8")
    os.replace(partial, folder / "state.json")


def job_create(*, kind: str, upload, user, correct: bool = False, decimal_comma: bool = False) -> Job:
    """Keep the uploaded file and record a queued job for `user`."""
    _forget_old_jobs()
    job = Job(
        id=uuid.uuid4().hex,
        kind=kind,
        user_id=user.pk,
        filename=Path(upload.name).name,
        correct=correct,
        decimal_comma=decimal_comma,
    )
    _folder(job.id).mkdir(parents=True, exist_ok=True)
    with _upload_path(job).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job_save(job)
    return job


def _forget_old_jobs() -> None:
    """Remove the folders of jobs untouched for a week, so uploads and problem lists do not pile up."""
    root = Path(settings.MEDIA_ROOT) / "transfer"
    if not root.is_dir():
        return
    cutoff = time.time() - KEEP_JOBS_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def job_load(job_id: str, user) -> Job | None:
    """The job, if it exists and `user` started it."""
    if not job_id.isalnum():
        return None
    try:
        state = json.loads((_folder(job_id) / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    job = Job(**state)
    return job if job.user_id == user.pk else None


def job_problems(job: Job) -> list[Problem]:
    path = problems_path(job)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))[1:]
    return [Problem(sheet, int(row or 0), column, value, rule) for sheet, row, column, value, rule in rows]


def job_run(job_id: str) -> Job:
    """Run the import of a saved job; its state file says how far it got and how it ended."""
    state = json.loads((_folder(job_id) / "state.json").read_text(encoding="utf-8"))
    job = Job(**state)
    if not job.working:
        return job  # a second delivery of a finished job: nothing left to do
    user = get_user_model().objects.get(pk=job.user_id)
    last_write = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_write[0] >= PROGRESS_EVERY_SECONDS or (total and done == total):
            job.status, job.done, job.total = stage, done, total
            job_save(job)
            last_write[0] = now

    job.status = "checking"
    job_save(job)
    try:
        with _upload_path(job).open("rb") as upload:
            result = import_file(
                kind=job.kind,
                upload=upload,
                filename=job.filename,
                user=user,
                correct=job.correct,
                decimal_comma=job.decimal_comma,
                progress=progress,
            )
        job.status, job.message = "done", result.message
    except FileRefused as refusal:
        job.status, job.message = "refused", str(refusal)
    except ImportRefused as refusal:
        problems_path(job).write_text(problems_csv(refusal.problems), encoding="utf-8")
        job.status, job.message, job.problem_count = "refused", str(refusal), len(refusal.problems)
    except Exception:
        logger.exception("Spreadsheet import %s failed", job.id)
        job.status, job.message = "failed", "The import stopped on an unexpected error; nothing was stored."
    finally:
        _upload_path(job).unlink(missing_ok=True)
    job_save(job)
    return job
