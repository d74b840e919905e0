"""Concurrent saves and recalculations of one plan on PostgreSQL: no deadlock, no lost save.

Editors post status updates to their own initiatives in threads while other threads recalculate
the same plan, over and over, on real connections (each thread has its own). What must hold:
- every save succeeds (no "deadlock detected", no serialization failure reaching an editor);
- every recalculation succeeds (a deadlock or serialization failure inside one is retried);
- no save is lost: every update is stored, each initiative's version moved once per save, and
  once the threads are done the plan either still has pending changes queued for a recalculation,
  or its stored figures are exactly those a fresh computation gives (no change slipped between a
  recalculation's read and the clearing of its dirty mark).
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from goals.models import Plan
from goals.selectors import plan_has_pending_changes
from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.core.progress import compute_plan
from reports.recalculation import load_inputs, plan_recalculate
from tests.factories import InitiativeFactory, ObjectiveFactory, PlanFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EDITORS = 8
SAVES_EACH = 15
RECALCULATORS = 2
STATUSES = ["on_track", "at_risk", "off_track", "on_track", "completed", "on_track"]


@pytest.fixture
def busy_plan():
    plan = PlanFactory(title="Busy plan")
    objectives = [ObjectiveFactory(goal__plan=plan) for _ in range(3)]
    pairs = []
    for index in range(EDITORS * 3):
        owner = UserFactory(username=f"editor-{index}")
        initiative = InitiativeFactory(plan=plan, owner=owner, percent_complete=0, status="on_track")
        initiative.supports.add(objectives[index % len(objectives)])
        pairs.append((initiative.pk, owner))
    plan_recalculate(plan_id=plan.pk)
    return plan, pairs


def _run_threads(targets) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(targets))

    def wrapped(function):
        try:
            start.wait()
            function()
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (a lock wait that never ended)"
    return errors


def _queue_nothing(monkeypatch):
    """Saves queue their plan's recalculation after commit; here no message is sent (the tests run
    tasks inline): the recalculation threads do the work, as the worker would."""
    from planboard.core.tasks import TransactionAwareTask

    monkeypatch.setattr(TransactionAwareTask, "send_now", lambda self, *args, **kwargs: True)


@pytest.mark.parametrize("rounds", range(3))
def test_editors_and_recalculations_at_once_lose_nothing(busy_plan, monkeypatch, rounds):
    _queue_nothing(monkeypatch)
    _editors_and_recalculations(busy_plan)


def test_saves_that_recalculate_inline_lose_nothing(busy_plan):
    """As `make run` works (tasks inline, as in the test settings): each save's own queued
    recalculation runs in the saving thread, beside the other editors' saves and recalculations."""
    _editors_and_recalculations(busy_plan)


def _editors_and_recalculations(busy_plan) -> None:
    plan, pairs = busy_plan
    mine = pairs[: EDITORS * 2 : 2]
    done_saving = threading.Event()
    recalculations = []

    def editor(initiative_pk, owner, offset):
        def save_many():
            for number in range(SAVES_EACH):
                initiative = Initiative.objects.get(pk=initiative_pk)
                status = STATUSES[(number + offset) % len(STATUSES)]
                initiative_post_update(
                    initiative=initiative,
                    author=owner,
                    status=status,
                    percent_complete=100 if status == "completed" else (number * 7 + offset) % 100,
                    narrative=f"Save {number}",
                    version=initiative.version,
                    # After "completed" the next status reopens the initiative, which needs a reason.
                    reopen_reason="More work found" if initiative.status == "completed" else "",
                )

        return save_many

    def recalculator():
        while not done_saving.is_set():
            plan_recalculate(plan_id=plan.pk)
            recalculations.append(1)

    savers = [editor(pk, owner, offset) for offset, (pk, owner) in enumerate(mine)]
    remaining = threading.Semaphore(0)

    def saver_then_signal(function):
        def run():
            try:
                function()
            finally:
                remaining.release()

        return run

    def watcher():
        for _ in savers:
            remaining.acquire()
        done_saving.set()

    started = time.monotonic()
    errors = _run_threads([saver_then_signal(s) for s in savers] + [recalculator] * RECALCULATORS + [watcher])
    assert errors == [], f"{len(errors)} failures, first: {errors[0]!r}"
    assert recalculations, "the recalculations never ran beside the saves"
    assert time.monotonic() - started < 120

    for initiative_pk, _owner in mine:
        assert StatusUpdate.objects.filter(initiative_id=initiative_pk).count() == SAVES_EACH
        assert Initiative.objects.get(pk=initiative_pk).version >= 1 + SAVES_EACH

    # Nothing slipped through: pending changes are still marked, or the figures are current.
    if not plan_has_pending_changes(plan.pk):
        _assert_figures_current(plan)
    plan_recalculate(plan_id=plan.pk)
    assert not plan_has_pending_changes(plan.pk)
    _assert_figures_current(plan)


def _assert_figures_current(plan) -> None:
    fresh = compute_plan(load_inputs(plan.pk), timezone.localdate())
    stored = {row["id"]: row for row in Initiative.objects.filter(plan=plan).values("id", "progress", "health")}
    for pk, figures in fresh.initiatives.items():
        assert stored[pk]["progress"] == pytest.approx(figures.progress), f"initiative {pk}"
        assert stored[pk]["health"] == figures.health, f"initiative {pk}"
    stored_plan = Plan.objects.get(pk=plan.pk)
    assert stored_plan.progress == pytest.approx(fresh.plan.progress)


def test_a_save_committed_while_a_recalculation_computes_stays_pending(busy_plan, monkeypatch):
    """The race, made to happen: an editor's save commits after the recalculation read the plan
    and before it stored the figures. That change must stay marked (its own run comes next)."""
    _queue_nothing(monkeypatch)
    plan, pairs = busy_plan
    initiative_pk, owner = pairs[0]
    from reports import recalculation

    real_load = recalculation.load_inputs

    def load_then_someone_saves(plan_id, **options):
        inputs = real_load(plan_id, **options)

        def save():
            initiative = Initiative.objects.get(pk=initiative_pk)
            initiative_post_update(
                initiative=initiative, author=owner, status="on_track", percent_complete=77, version=initiative.version
            )

        assert _run_threads([save]) == []
        return inputs

    monkeypatch.setattr(recalculation, "load_inputs", load_then_someone_saves)
    plan_recalculate(plan_id=plan.pk)
    monkeypatch.setattr(recalculation, "load_inputs", real_load)

    assert Initiative.objects.get(pk=initiative_pk).percent_complete == 77
    assert plan_has_pending_changes(plan.pk), "the save's change was cleared by a run that never read it"
    plan_recalculate(plan_id=plan.pk)
    assert Initiative.objects.get(pk=initiative_pk).progress == pytest.approx(0.77)
    assert not plan_has_pending_changes(plan.pk)


def test_the_test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_a_recalculation_never_waits_for_a_row_someone_holds(busy_plan, monkeypatch):
    """A row locked by a long transaction (here: held open in another thread) is skipped, not
    waited for; the plan stays marked so the skipped row catches up on the next run."""
    _queue_nothing(monkeypatch)
    plan, pairs = busy_plan
    held_pk = pairs[0][0]
    Initiative.objects.filter(pk=held_pk).update(percent_complete=55, last_update_on=timezone.localdate())
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        from django.db import transaction

        with transaction.atomic():
            Initiative.objects.select_for_update().get(pk=held_pk)
            locked.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        plan_recalculate(plan_id=plan.pk)
        assert time.monotonic() - started < 5, "the recalculation waited for the held row"
        assert plan_has_pending_changes(plan.pk)
        assert Initiative.objects.get(pk=held_pk).progress != pytest.approx(0.55)
    finally:
        release.set()
        holder.join()
    plan_recalculate(plan_id=plan.pk)
    assert Initiative.objects.get(pk=held_pk).progress == pytest.approx(0.55)
    assert not plan_has_pending_changes(plan.pk)


def test_a_save_does_not_wait_for_a_running_recalculation(busy_plan, monkeypatch):
    """While a recalculation of the plan holds its transaction open after writing its figures (the
    plan's row included), an editor's save of that plan completes: the save locks only its own
    initiative's row and marks the plan with an insert, so nothing it needs is held."""
    _queue_nothing(monkeypatch)
    plan, pairs = busy_plan
    from reports import recalculation

    real_clear, computing, finish = recalculation.plan_changes_clear, threading.Event(), threading.Event()

    def held_clear(**kwargs):
        computing.set()
        assert finish.wait(timeout=30)
        return real_clear(**kwargs)

    Plan.objects.filter(pk=plan.pk).update(computed_at=None)  # so the run writes the plan's row
    monkeypatch.setattr(recalculation, "plan_changes_clear", held_clear)
    recalculating = threading.Thread(target=lambda: (plan_recalculate(plan_id=plan.pk), connections.close_all()))
    recalculating.start()
    try:
        assert computing.wait(timeout=10)
        saved = []

        def save():
            initiative_pk, owner = pairs[1]
            initiative = Initiative.objects.get(pk=initiative_pk)
            saved.append(
                initiative_post_update(
                    initiative=initiative,
                    author=owner,
                    status="at_risk",
                    percent_complete=30,
                    narrative="Waiting on the vendor",
                    version=initiative.version,
                )
            )

        assert _run_threads([save]) == []
        assert saved and not finish.is_set()  # saved while the recalculation still held its transaction
    finally:
        finish.set()
        recalculating.join(timeout=30)
    assert plan_has_pending_changes(plan.pk)  # the save committed after the run listed the changes
