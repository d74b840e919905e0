"""Recalculation is queued after commit, deduplicated per plan, and survives a broker outage."""

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu.pools
import pytest
from celery import Task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from goals.models import Plan
from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.celery import app as celery_app
from reports import tasks
from reports.recalculation import plan_recalculate
from tests.factories import InitiativeFactory, ObjectiveFactory, UserFactory

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def owned(db):
    owner = UserFactory(username="owner")
    initiative = InitiativeFactory(owner=owner, percent_complete=10, status="on_track")
    initiative.supports.add(ObjectiveFactory(goal__plan=initiative.plan))
    return initiative, owner


def _post(initiative, owner, percent):
    initiative.refresh_from_db()
    initiative_post_update(
        initiative=initiative, author=owner, status="on_track", percent_complete=percent, version=initiative.version
    )


def test_a_burst_of_100_updates_queues_one_recalculation(owned, monkeypatch, django_capture_on_commit_callbacks):
    initiative, owner = owned
    queued = []
    # What reaches the broker: Celery's own apply_async, which TransactionAwareTask calls after the commit.
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        for percent in range(1, 101):
            _post(initiative, owner, percent)
    # The first update marks the plan dirty and queues; the 99 others find it dirty already.
    assert queued == [[initiative.plan_id]]
    assert StatusUpdate.objects.count() == 100
    # Once the queued run has cleared the flag, the next update queues again.
    plan_recalculate(plan_id=initiative.plan_id)
    with django_capture_on_commit_callbacks(execute=True):
        _post(initiative, owner, 100)
    assert len(queued) == 2


def test_nothing_is_queued_when_the_transaction_rolls_back(owned, monkeypatch, django_capture_on_commit_callbacks):
    initiative, owner = owned
    queued = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError):
            _post(initiative, owner, 500)
    assert queued == [] and Plan.objects.get().needs_recalculation is False


def _reset_connections() -> None:
    """Drop Celery's cached broker connections so a changed broker_url takes effect."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def celery_conf():
    """Change the Celery app's configuration for one test, restored afterwards."""
    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: celery_app.conf[key] for key in keys}

    def apply(**changes):
        celery_app.conf.update(**changes)
        _reset_connections()

    yield apply
    celery_app.conf.update(**saved)
    _reset_connections()


@pytest.fixture
def unreachable_broker(celery_conf, monkeypatch):
    """Point the Celery app at a closed local port, as if Redis were down."""
    celery_conf(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")
    monkeypatch.setattr(type(celery_app.tasks[tasks.recalculate_plan.name]), "broker_unreachable", False)


def test_broker_down_still_saves_quickly_and_leaves_the_plan_dirty(
    owned, unreachable_broker, caplog, django_capture_on_commit_callbacks
):
    initiative, owner = owned
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="reports.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            _post(initiative, owner, 40)
        plan_recalculate(plan_id=initiative.plan_id)  # a run finishes, then another save fails to queue
        with django_capture_on_commit_callbacks(execute=True):
            _post(initiative, owner, 55)
    elapsed = time.monotonic() - started
    # Not a speed target: it shows the save does not hang on broker retries (kombu's default is ~minutes).
    assert elapsed < 10
    assert StatusUpdate.objects.count() == 2
    assert Plan.objects.get().needs_recalculation is True
    outage_logs = [r for r in caplog.records if "Could not queue the recalculation" in r.getMessage()]
    assert len(outage_logs) == 1  # logged once, not on every save
    # The catch-up run recalculates it with the right figures: 55% → 0.55.
    assert tasks.recalculate_dirty_plans.run() == 1
    assert Initiative.objects.get().progress == pytest.approx(0.55)
    assert Plan.objects.get().needs_recalculation is False


def _database_url() -> str:
    conf = connection.settings_dict
    return f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recalculates_after_a_status_update(celery_conf):
    """A status update through the service leads, via Redis and a worker process, to fresh figures."""
    owner = UserFactory(username="worker-owner")
    initiative = InitiativeFactory(owner=owner, percent_complete=0, status="not_started")
    initiative.supports.add(ObjectiveFactory(goal__plan=initiative.plan))
    queue = f"planboard-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "planboard.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "planboard",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_conf(task_always_eager=False, broker_url=settings.REDIS_URL, task_default_queue=queue)
    try:
        initiative_post_update(
            initiative=initiative, author=owner, status="on_track", percent_complete=35, version=initiative.version
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            initiative.refresh_from_db()
            if initiative.computed_at is not None:
                break
            time.sleep(0.5)
        assert initiative.computed_at is not None, "the worker did not recalculate within 60 s"
        assert initiative.progress == pytest.approx(0.35)
        assert Plan.objects.get().needs_recalculation is False
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        print(output[-3000:])


def test_a_queued_run_with_nothing_pending_does_no_work(owned, django_assert_max_num_queries):
    """Several queued runs of one plan (one per commit that changed it, when the cache could not
    deduplicate them): the first accounts for every pending change, the others stop at once."""
    initiative, owner = owned
    _post(initiative, owner, 40)  # inside the test's transaction: the change is pending
    tasks.recalculate_plan.run(initiative.plan_id)
    assert Plan.objects.get().needs_recalculation is False
    computed_at = Plan.objects.get().computed_at
    with django_assert_max_num_queries(2):  # the plan exists; nothing is pending
        tasks.recalculate_plan.run(initiative.plan_id)
    assert Plan.objects.get().computed_at == computed_at


def test_the_cache_down_still_queues_every_change(owned, monkeypatch, django_capture_on_commit_callbacks, caplog):
    from django.core.cache import cache

    initiative, owner = owned
    queued = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=None, kwargs=None, **options: queued.append(args))

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", unreachable)
    with caplog.at_level(logging.WARNING, logger="goals.services.recalculation"):
        for percent in (20, 30):
            with django_capture_on_commit_callbacks(execute=True):
                _post(initiative, owner, percent)
    assert queued == [[initiative.plan_id], [initiative.plan_id]]  # not deduplicated, never lost
    assert "not deduplicated" in caplog.text
