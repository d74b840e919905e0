"""Background plan exports (reports.export_jobs): a job's life inline (no broker), reuse of a fresh
job, one file however often the task runs, failure, expiry, and the task on PostgreSQL."""

import datetime
import json
import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from goals.models import Plan
from reports.export_jobs import services
from reports.export_jobs.services import plan_export_request, plan_export_write_file, plan_exports_expire
from reports.models import PlanExport
from reports.plan_export import plan_export_chunks
from reports.tasks import write_plan_export
from tests.factories import PlanFactory, UserFactory
from tests.reports.report_card_fixtures import build_plan

pytestmark = pytest.mark.django_db
State = PlanExport.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_of(job: PlanExport) -> list[str]:
    folder = f"{services.FOLDER}/{job.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def started(plan, user, capture) -> PlanExport:
    """A job requested and run as after the commit (inline: no broker in the tests)."""
    with capture(execute=True):
        job, created = plan_export_request(plan=plan, actor=user)
    assert created
    job.refresh_from_db()
    return job


def test_a_job_runs_inline_and_its_file_is_the_export_document(django_capture_on_commit_callbacks, caplog):
    plan, user = build_plan(), UserFactory(username="analyst")
    with caplog.at_level(logging.INFO, logger="reports.export_jobs.services"):
        job = started(plan, user, django_capture_on_commit_callbacks)
    document = b"".join(plan_export_chunks(plan.pk))
    assert job.state == State.DONE and job.requested_by == user and job.error == ""
    assert job.file.name == f"plan-exports/{job.pk}/riverside-export.json"
    with job.file.open("rb") as saved:
        assert saved.read() == document
    assert job.size == len(document) and json.loads(document)["plan"]["slug"] == "riverside"
    assert job.requested_at <= job.started_at <= job.finished_at
    assert job.expires_at == job.finished_at + datetime.timedelta(days=7)  # PLANBOARD_EXPORT_KEEP_DAYS
    # Audited: who asked (logged and in the history), and each step of the job.
    assert f"Plan export {job.pk} of plan {plan.pk} (riverside) started for analyst." in caplog.messages
    reasons = list(job.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["Requested", "Writing the file", "File written"]
    assert job.history.earliest().history_user == user


def test_asking_again_reuses_the_fresh_job_until_the_plan_is_recalculated(django_capture_on_commit_callbacks):
    plan, user = build_plan(), UserFactory()
    job = started(plan, user, django_capture_on_commit_callbacks)
    again, created = plan_export_request(plan=plan, actor=user)
    assert (again.pk, created) == (job.pk, False)
    # Another person gets their own job; the plan's figures computed after the file: a new one.
    other = started(plan, UserFactory(), django_capture_on_commit_callbacks)
    assert other.pk != job.pk
    Plan.objects.filter(pk=plan.pk).update(computed_at=timezone.now() + datetime.timedelta(seconds=1))
    plan.refresh_from_db()
    assert started(plan, user, django_capture_on_commit_callbacks).pk not in (job.pk, other.pk)


def test_a_queued_job_is_reused_and_never_doubled(monkeypatch):
    plan, user = build_plan(), UserFactory()
    job, created = plan_export_request(plan=plan, actor=user)  # queued: its commit never comes in a test
    assert created and job.state == State.QUEUED
    assert plan_export_request(plan=plan, actor=user) == (job, False)
    # A request that missed it (two at once) cannot add a second working job: the constraint holds,
    # and the request answers the job that won.
    real_fresh, calls = services._fresh, []

    def missed_once(plan, person):
        calls.append(1)
        return None if len(calls) == 1 else real_fresh(plan, person)

    monkeypatch.setattr(services, "_fresh", missed_once)
    assert plan_export_request(plan=plan, actor=user) == (job, False)
    assert PlanExport.objects.filter(plan=plan).count() == 1


def test_running_the_task_twice_gives_one_file(django_capture_on_commit_callbacks):
    plan, user = build_plan(), UserFactory()
    job = started(plan, user, django_capture_on_commit_callbacks)
    assert write_plan_export.apply(args=[job.pk]).get() == "done"  # a second delivery (acks late)
    job.refresh_from_db()
    assert files_of(job) == ["riverside-export.json"] and job.file.name.endswith("/riverside-export.json")
    # A job left running by a worker that died is written again, still into one file.
    PlanExport.objects.filter(pk=job.pk).update(state=State.RUNNING)
    default_storage.delete(job.file.name)
    PlanExport.objects.filter(pk=job.pk).update(file="")
    assert plan_export_write_file(job_id=job.pk).state == State.DONE
    assert len(files_of(job)) == 1


def test_a_failure_leaves_the_job_failed_and_no_file(monkeypatch, django_capture_on_commit_callbacks, caplog):
    plan = build_plan()

    def broken(plan_id, out):
        out.write(b'{"format":')
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "plan_export_write", broken)
    with caplog.at_level(logging.ERROR, logger="reports.export_jobs.services"):
        job = started(plan, UserFactory(), django_capture_on_commit_callbacks)
    assert (job.state, job.error, job.file.name, job.size) == (State.FAILED, "RuntimeError: disk on fire", "", None)
    assert files_of(job) == []
    assert caplog.records[0].getMessage() == f"Plan export {job.pk} of plan {plan.pk} failed."
    # A failed job is not fresh: asking again starts a new one.
    assert plan_export_request(plan=plan, actor=job.requested_by)[1] is True


def test_expired_files_are_deleted_and_the_job_kept(django_capture_on_commit_callbacks):
    plan, user = build_plan(), UserFactory()
    job = started(plan, user, django_capture_on_commit_callbacks)
    young = started(PlanFactory(slug="other-plan"), user, django_capture_on_commit_callbacks)
    default_storage.save(f"plan-exports/{job.pk}/leftover.json", default_storage.open(job.file.name))
    assert plan_exports_expire(now=job.finished_at + datetime.timedelta(days=6)) == 0
    assert plan_exports_expire(now=job.expires_at) == 1  # the younger job expires a moment later
    job.refresh_from_db()
    assert (job.state, job.file.name) == (State.EXPIRED, "")
    assert files_of(job) == []  # the file and what a killed worker left beside it
    assert job.history.latest().history_change_reason == "Expired"
    young.refresh_from_db()
    assert young.state == State.DONE and default_storage.exists(young.file.name)
    # An expired job is not fresh: asking again starts a new one.
    assert plan_export_request(plan=plan, actor=user)[1] is True


def test_lost_jobs_are_queued_again(monkeypatch):
    plan = build_plan()
    job, _ = plan_export_request(plan=plan, actor=UserFactory())  # queued: the message never went
    queued = []
    monkeypatch.setattr(services, "_queue", queued.append)
    assert plan_exports_expire(now=job.requested_at + datetime.timedelta(minutes=5)) == 0 and queued == []
    plan_exports_expire(now=job.requested_at + datetime.timedelta(minutes=11))
    assert queued == [job.pk]


def test_the_expiry_is_on_the_beat_schedule_and_the_keep_setting_is_read(settings, django_capture_on_commit_callbacks):
    schedule = {entry["task"]: entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reports.tasks.expire_plan_exports"]["schedule"] == 15 * 60
    settings.PLANBOARD_EXPORT_KEEP_DAYS = 2
    job = started(build_plan(), UserFactory(), django_capture_on_commit_callbacks)
    assert job.expires_at - job.finished_at == datetime.timedelta(days=2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_end_with_one_job_and_one_file():
    """Two workers run the same job at the same time (a redelivery while the first still writes):
    both write, the later one finds the job done and deletes its own file."""
    plan, user = build_plan(), UserFactory()
    job, _ = plan_export_request(plan=plan, actor=user)  # committed: the task ran inline already
    PlanExport.objects.filter(pk=job.pk).update(state=State.QUEUED, file="", size=None)
    default_storage.delete(f"plan-exports/{job.pk}/riverside-export.json")
    gate = threading.Barrier(2)
    real_write = services.plan_export_write

    def in_step(plan_id, out):
        gate.wait(timeout=30)  # both have claimed the job before either writes
        return real_write(plan_id, out)

    services.plan_export_write = in_step
    results, errors = [], []

    def deliver():
        try:
            results.append(plan_export_write_file(job_id=job.pk).state)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        services.plan_export_write = real_write
    assert not errors and results == ["done", "done"]
    job.refresh_from_db()
    assert job.state == State.DONE and files_of(job) == [job.file.name.rsplit("/", 1)[1]]
    with job.file.open("rb") as saved:
        assert saved.read() == b"".join(plan_export_chunks(plan.pk))
    assert PlanExport.objects.count() == 1
