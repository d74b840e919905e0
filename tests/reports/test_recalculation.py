import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from initiatives.services import initiative_post_update
from reports.explain import progress_explain
from reports.models import ProgressSnapshot
from reports.recalculation import plan_recalculate
from tests.factories import (
    GoalFactory,
    InitiativeFactory,
    MetricFactory,
    ObjectiveFactory,
    PlanFactory,
    ReadingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 7, 1)


@pytest.fixture
def plan():
    """FY2023-FY2027 (2022-07-01 .. 2027-06-30); one goal, one objective, one metric, two initiatives."""
    plan = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027, metric_share=Decimal("0.5"))
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan), term="long")
    metric = MetricFactory(
        objective=objective,
        baseline=Decimal("0"),
        target=Decimal("100"),
        baseline_date=datetime.date(2022, 7, 1),
        target_date=datetime.date(2027, 7, 1),
    )
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30), value=Decimal("30"))
    ReadingFactory(metric=metric, period_end=datetime.date(2024, 6, 30), value=Decimal("60"))
    for code, percent in [("A", 20), ("B", 60)]:
        initiative = InitiativeFactory(
            plan=plan, code=code, status="on_track", percent_complete=percent, last_update_on=datetime.date(2024, 6, 20)
        )
        initiative.supports.add(objective)
    return plan


def test_recalculation_stores_every_figure(plan):
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    objective = Objective.objects.get()
    # metric: latest reading 60 of 0 → 100 = 0.6; initiatives: mean(0.2, 0.6) = 0.4; 0.5 × 0.6 + 0.5 × 0.4 = 0.5
    assert Metric.objects.get().progress == pytest.approx(0.6)
    assert objective.progress == pytest.approx(0.5)
    assert Goal.objects.get().progress == pytest.approx(0.5)
    plan.refresh_from_db()
    assert plan.progress == pytest.approx(0.5)
    # 731 of 1826 days elapsed: pace 0.400; 0.5 ≥ 0.4 − 0.1 → on track
    assert plan.pace == pytest.approx(731 / 1826) and plan.health == "on_track"
    assert plan.computed_at is not None and plan.needs_recalculation is False


def test_recalculation_twice_gives_identical_figures_and_one_snapshot_a_day(plan):
    plan_recalculate(plan_id=plan.pk, today=TODAY, snapshot=True)
    first = list(Initiative.objects.order_by("pk").values_list("progress", "pace", "health"))
    first_snapshots = list(ProgressSnapshot.objects.order_by("pk").values_list("node_type", "node_id", "progress"))
    plan_recalculate(plan_id=plan.pk, today=TODAY, snapshot=True)
    assert list(Initiative.objects.order_by("pk").values_list("progress", "pace", "health")) == first
    # plan + goal + objective + metric + 2 initiatives = 6 nodes, one row each for the day
    assert ProgressSnapshot.objects.count() == 6
    assert (
        list(ProgressSnapshot.objects.order_by("pk").values_list("node_type", "node_id", "progress")) == first_snapshots
    )
    plan_recalculate(plan_id=plan.pk, today=TODAY + datetime.timedelta(days=1), snapshot=True)
    assert ProgressSnapshot.objects.count() == 12


def test_a_snapshot_taken_again_the_same_day_replaces_the_first(plan):
    plan_recalculate(plan_id=plan.pk, today=TODAY, snapshot=True)
    Initiative.objects.filter(code="A").update(percent_complete=100, status="completed")
    plan_recalculate(plan_id=plan.pk, today=TODAY, snapshot=True)
    snapshot = ProgressSnapshot.objects.get(node_type="initiative", node_id=Initiative.objects.get(code="A").pk)
    assert snapshot.progress == 1.0 and snapshot.health == "completed"


def _grow(plan, count: int) -> None:
    objective = Objective.objects.get(goal__plan=plan)
    for n in range(count):
        initiative = InitiativeFactory(plan=plan, percent_complete=n % 100, status="on_track")
        initiative.supports.add(objective)
        ReadingFactory(metric=MetricFactory(objective=objective), period_end=datetime.date(2024, 3, 31))


def _queries(plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        plan_recalculate(plan_id=plan.pk, today=TODAY, snapshot=True)
    return len(captured)


def test_query_count_does_not_grow_with_the_plan(plan):
    # Kept within one SQLite batch (999 parameters); the PostgreSQL test below goes far beyond it.
    _grow(plan, 5)
    small = _queries(plan)
    _grow(plan, 25)
    assert _queries(plan) == small


@pytest.mark.postgres
def test_query_count_is_fixed_on_postgresql_whatever_the_size(plan):
    _grow(plan, 5)
    small = _queries(plan)
    _grow(plan, 400)
    assert _queries(plan) == small


def test_a_missing_plan_is_ignored():
    assert plan_recalculate(plan_id=999_999) is None


def test_a_status_update_recalculates_the_plan_without_anything_else(plan, django_capture_on_commit_callbacks):
    owner = UserFactory()
    initiative = Initiative.objects.get(code="A")
    initiative.owner = owner
    initiative.save()
    plan_recalculate(plan_id=plan.pk)
    with django_capture_on_commit_callbacks(execute=True):
        initiative_post_update(
            initiative=initiative, author=owner, status="completed", percent_complete=100, version=initiative.version
        )
    # tasks run inline in tests: initiative A is now 1, so I = mean(1.0, 0.6) = 0.8
    assert Initiative.objects.get(code="A").progress == 1.0
    assert Objective.objects.get().progress == pytest.approx(0.5 * 0.6 + 0.5 * 0.8)
    assert Plan.objects.get().needs_recalculation is False


def test_recalculate_command(plan, capsys):
    call_command("recalculate", plan=plan.slug, snapshot=True)
    assert Plan.objects.get().computed_at is not None
    assert ProgressSnapshot.objects.filter(node_type="plan").count() == 1
    call_command("recalculate")
    assert "Recalculated 1 plan(s)." in capsys.readouterr().out


def test_recalculate_command_names_an_unknown_plan(plan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--plan: no plan with slug 'nope'"):
        call_command("recalculate", plan="nope")


def test_explanations_show_inputs_weights_and_arithmetic(plan):
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    objective = progress_explain(Objective.objects.get())
    assert objective["inputs"]["metric_mean"] == pytest.approx(0.6)
    assert objective["inputs"]["initiative_mean"] == pytest.approx(0.4)
    assert objective["arithmetic"] == "0.5 × M + 0.5 × I = 0.5 × 0.600 + 0.5 × 0.400 = 0.500"
    metric = progress_explain(Metric.objects.get())
    assert metric["inputs"]["latest_value"] == Decimal("60")
    assert metric["arithmetic"].endswith("= 0.600")
    goal = progress_explain(Goal.objects.get())
    assert goal["arithmetic"] == "(0.500 × 1) / (1) = 0.500"
    assert progress_explain(Plan.objects.get())["grade"] == "A"  # 0.5 / 0.4 capped at 1
    initiative = progress_explain(Initiative.objects.get(code="A"))
    assert initiative["arithmetic"] == "percent complete / 100 = 20 / 100"


def test_backfilled_snapshots_show_each_past_day_as_the_record_stood(plan):
    from initiatives.models import StatusUpdate
    from reports.recalculation import month_ends, plan_backfill_snapshots

    initiative = Initiative.objects.get(code="A")
    for as_of, status, percent in [
        (datetime.date(2023, 2, 10), "on_track", 20),
        (datetime.date(2023, 4, 5), "at_risk", 45),
    ]:
        StatusUpdate.objects.create(initiative=initiative, as_of=as_of, status=status, percent_complete=percent)
    days = month_ends(datetime.date(2023, 1, 15), datetime.date(2023, 4, 30))
    assert [day.isoformat() for day in days] == ["2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30"]
    # 4 days × 6 nodes (plan, goal, objective, metric, initiatives A and B)
    assert plan_backfill_snapshots(plan_id=plan.pk, days=days) == 24

    def figure(node_type, node_id, day):
        return ProgressSnapshot.objects.get(node_type=node_type, node_id=node_id, taken_on=day).progress

    # A: not started (0) before its first update, then 20%, 20%, 45%
    assert [figure("initiative", initiative.pk, day) for day in days] == [0.0, 0.2, 0.2, 0.45]
    # The metric's readings are for periods ending 2023-06-30 and 2024-06-30: none by 2023-04-30.
    metric = Metric.objects.get()
    assert figure("metric", metric.pk, days[-1]) is None
    # B never posted an update, so it counts as 0 on every past day; objective on 2023-03-31 =
    # initiatives only (metric has none) = mean(0.2, 0) = 0.1
    assert figure("objective", Objective.objects.get().pk, days[2]) == pytest.approx(0.1)
    # Backfilling again replaces rather than duplicates.
    plan_backfill_snapshots(plan_id=plan.pk, days=days)
    assert ProgressSnapshot.objects.count() == 24


class _PgError(Exception):
    def __init__(self, pgcode: str):
        super().__init__(pgcode)
        self.pgcode = pgcode


def _operational(pgcode: str) -> OperationalError:
    error = OperationalError(f"error {pgcode}")
    error.__cause__ = _PgError(pgcode)
    return error


@pytest.mark.parametrize("pgcode", ["40P01", "40001"])
def test_a_deadlock_or_serialization_failure_is_retried(plan, monkeypatch, pgcode):
    from reports import recalculation

    real, calls = recalculation._recalculate_once, []

    def fails_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise _operational(pgcode)
        return real(*args)

    monkeypatch.setattr(recalculation, "_recalculate_once", fails_once)
    assert plan_recalculate(plan_id=plan.pk) is not None
    assert len(calls) == 2 and Plan.objects.get().computed_at is not None


def test_other_database_errors_and_a_third_deadlock_are_raised(plan, monkeypatch):
    from reports import recalculation

    calls = []

    def always(pgcode):
        def fail(*args):
            calls.append(pgcode)
            raise _operational(pgcode)

        return fail

    monkeypatch.setattr(recalculation, "_recalculate_once", always("08006"))  # connection failure
    with pytest.raises(OperationalError):
        plan_recalculate(plan_id=plan.pk)
    assert calls == ["08006"]  # not retried here (the task retries it, with a back-off)
    monkeypatch.setattr(recalculation, "_recalculate_once", always("40P01"))
    with pytest.raises(OperationalError):
        plan_recalculate(plan_id=plan.pk)
    assert calls[1:] == ["40P01"] * recalculation.RECALCULATION_ATTEMPTS
