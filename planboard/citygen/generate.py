"""city_generate: replace the generated plan with a fresh big city, then recalculate it."""

import datetime
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from goals.models import (
    Goal,
    Metric,
    MetricReading,
    Objective,
    Plan,
)
from initiatives.models import Initiative, StatusUpdate
from planboard.citygen.bulk import generated_plan_delete, history_insert, insert_rows
from planboard.citygen.generator import CityGenerator
from planboard.citygen.vocabulary import (
    GENERATED_MARK,
    HISTORY_FULL_EVERY,
    HISTORY_FULL_UPDATES,
    HISTORY_RECENT_UPDATES,
)
from reports.recalculation import plan_recalculate


@dataclass
class CityResult:
    plan_id: int
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def city_generate(
    *, scale: float, seed: int, plan_slug: str, today: datetime.date | None = None, recalculate: bool = True
) -> CityResult:
    """Replace the generated plan `plan_slug` with a fresh big city at `scale`; recalculate it with a snapshot.

    Raises ValueError when `plan_slug` names a plan that generate_city did not make.
    """
    from django.utils import timezone

    generator = CityGenerator(scale=scale, seed=seed, plan_slug=plan_slug, today=today or timezone.localdate())
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    with transaction.atomic():
        existing = Plan.objects.filter(slug=plan_slug).first()
        if existing is not None:
            if not existing.mission.startswith(GENERATED_MARK):
                raise ValueError(f"Plan {plan_slug!r} was not made by generate_city; it will not be replaced.")
            generated_plan_delete(existing)
        lap("delete previous")
        departments = generator.departments()
        plan = generator.plan()
        objectives = generator.goals_and_objectives(plan)
        initiatives = generator.initiatives(plan, departments, objectives)
        metrics = generator.metrics(objectives, departments)
        lap("plan, initiatives, metrics")
        written_readings = insert_rows(
            MetricReading,
            ["metric_id", "period_end", "value", "note", "entered_by_id", "version", "created_at", "updated_at"],
            generator.reading_rows(metrics),
        )
        lap("readings")
        written_updates = insert_rows(
            StatusUpdate,
            [
                "initiative_id",
                "as_of",
                "status",
                "percent_complete",
                "narrative",
                "author_id",
                "created_at",
                "period_ends_on",
            ],
            _with_periods(plan, generator.status_update_rows(initiatives)),
        )
        lap("status updates")
        written_history = history_insert(
            plan, recent=HISTORY_RECENT_UPDATES, full_every=HISTORY_FULL_EVERY, full=HISTORY_FULL_UPDATES
        )
        lap("audit trail")
    lap("commit (foreign-key checks)")
    if connection.vendor == "postgresql":
        # What a DBA does after a bulk load: fresh statistics, and (outside a transaction, where
        # VACUUM may run) the dead rows of the previous run reclaimed before anyone measures.
        # The audit trail too: left to autovacuum, its stale counts sent the initiative page's
        # history reads to sequential scans of the link history (0.1 s a query at scale 1).
        history = Initiative.history.model
        audit = [history, *(getattr(history, f.name).model for f in history._history_m2m_fields)]
        loaded = [MetricReading, StatusUpdate, Initiative, Metric, Objective, Goal, Initiative.supports.through, *audit]
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in loaded)
        with connection.cursor() as cursor:
            cursor.execute(("ANALYZE " if connection.in_atomic_block else "VACUUM ANALYZE ") + tables)
        lap("vacuum analyze")
    if recalculate:
        plan_recalculate(plan_id=plan.pk, snapshot=True, today=generator.today)
        lap("recalculation with snapshot")
    counts = {**generator.counts, "readings": written_readings, "updates": written_updates, "history": written_history}
    return CityResult(plan_id=plan.pk, counts=counts, timings=timings)


def _with_periods(plan, rows):
    """Each generated update with the period it reports for, as the service would set it (the
    plan's period owed on its date; planboard.core.periods)."""
    calendar = plan.reporting_calendar
    ends: dict = {}
    for row in rows:
        as_of = row[1]
        if as_of not in ends:
            ends[as_of] = calendar.owed_on(as_of).ends_on
        yield (*row, ends[as_of])
