"""Recalculating a plan's cached figures: load in batches, compute in memory, write in batches.

A recalculation issues the same number of queries whatever the plan's size: one per level to
read (plan, goals, objectives, metrics with their latest reading, initiatives with the latest
period they reported for, supports), one per level to write, and one for the day's snapshots.
Only this module writes the cached `progress`, `pace`, `health` and `computed_at` fields, and the
reporting figures `report_due_on`, `reported_through` and `report_state` of initiatives and metrics.
"""

import bisect
import dataclasses
import datetime
import logging
import time
from collections import defaultdict

from django.db import OperationalError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from goals.models import PROGRESS_FIELDS, REPORT_FIELDS, Goal, Metric, MetricReading, Objective, Plan
from goals.services.recalculation import plan_changes_claim, plan_changes_clear, plan_mark_changed
from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from planboard.core.changes import plans_changed
from planboard.core.progress import Figures, PlanFigures, PlanInputs, Reporting, compute_plan
from planboard.core.reporting import plan_reporting
from reports.models import ProgressSnapshot
from reports.plan_tree import plan_inputs

logger = logging.getLogger(__name__)

# Distinguishes Planboard's advisory locks from any other application's on the same database.
ADVISORY_LOCK_NAMESPACE = 7_150_415
# PostgreSQL's deadlock_detected and serialization_failure: the recalculation runs again.
TRANSIENT_PGCODES = {"40P01", "40001"}
RECALCULATION_ATTEMPTS = 3


def load_inputs(plan_id: int, *, stored: dict[str, dict[int, tuple]] | None = None) -> PlanInputs:
    """Everything compute_plan needs, read by the plan tree reader in six queries (with `stored`,
    the figures cached now as well, in the same queries)."""
    return plan_inputs(plan_id, stored=stored)


def changed_figures(
    figures: dict[int, Figures],
    stored: dict[int, tuple],
    reporting: dict[int, Reporting] | None = None,
    stored_reporting: dict[int, tuple] | None = None,
) -> dict[int, Figures]:
    """The rows whose computed figures differ from those stored (or that were never computed),
    the reporting figures (initiatives and metrics) included. Floats compare exactly: a float8
    column gives back the very double that was written."""
    reporting, stored_reporting = reporting or {}, stored_reporting or {}
    return {
        pk: f
        for pk, f in figures.items()
        if stored.get(pk) is None
        or stored[pk] != (f.progress, f.pace, f.health, True)
        or (pk in reporting and stored_reporting.get(pk) != reporting[pk].as_tuple())
    }


def write_figures(
    model: type[Model],
    figures: dict[int, Figures],
    computed_at: datetime.datetime,
    reporting: dict[int, Reporting] | None = None,
) -> int:
    """Store the figures of many rows of one table (the caller passes only rows whose figures
    changed: see changed_figures), with `reporting` their reporting figures too: one statement on
    PostgreSQL. Returns how many of them were left alone because someone else held them (PostgreSQL).

    The rows are locked in primary-key order with SKIP LOCKED: the recalculation never waits for
    an editor's row (the editor's change is marked pending and brings another run), and two
    writers never take the same rows in opposite orders.
    """
    if not figures:
        return 0
    ids = sorted(figures)
    if connection.vendor == "postgresql":
        return len(ids) - _write_postgresql(model, ids, figures, computed_at, reporting)
    rows = []
    for i, f in figures.items():
        row = model(pk=i, progress=f.progress, pace=f.pace, health=f.health, computed_at=computed_at)
        if reporting is not None:
            row.report_due_on, row.reported_through, row.report_state = reporting[i].as_tuple()
        rows.append(row)
    model.objects.bulk_update(
        rows, [*PROGRESS_FIELDS, *(REPORT_FIELDS if reporting is not None else ())], batch_size=500
    )
    return 0


def _write_postgresql(model, ids: list[int], figures: dict[int, Figures], computed_at, reporting) -> int:
    """The UPDATE of write_figures on PostgreSQL: rows from unnest(), those locked by others skipped;
    returns how many rows were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [("progress", "float8"), ("pace", "float8"), ("health", "text")]
    values = [[figures[i].progress for i in ids], [figures[i].pace for i in ids], [figures[i].health for i in ids]]
    if reporting is not None:
        columns += [("report_due_on", "date"), ("reported_through", "date"), ("report_state", "text")]
        values += [list(column) for column in zip(*(reporting[i].as_tuple() for i in ids), strict=True)]
    assignments = ", ".join(f"{name} = v.{name}" for name, _ in columns)
    arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH locked AS (SELECT t.id FROM {table} AS t WHERE t.id = ANY(%s::bigint[]) "
            "ORDER BY t.id FOR NO KEY UPDATE SKIP LOCKED), "
            f"written AS (UPDATE {table} AS t SET {assignments}, computed_at = %s "
            f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {names}), locked "
            "WHERE t.id = v.id AND t.id = locked.id RETURNING t.id) "
            "SELECT count(*) FROM written",
            [ids, computed_at, ids, *values],
        )
        return cursor.fetchone()[0]


def take_snapshots(plan_id: int, figures: PlanFigures, day: datetime.date) -> int:
    """Record the day's figures for every node; a second snapshot the same day replaces the first."""
    node = ProgressSnapshot.Node
    levels = [
        (node.PLAN, {plan_id: figures.plan}),
        (node.GOAL, figures.goals),
        (node.OBJECTIVE, figures.objectives),
        (node.METRIC, figures.metrics),
        (node.INITIATIVE, figures.initiatives),
    ]
    rows = [
        ProgressSnapshot(
            plan_id=plan_id,
            node_type=node_type,
            node_id=node_id,
            taken_on=day,
            progress=f.progress,
            pace=f.pace,
            health=f.health,
            stale_count=f.stale_count,
        )
        for node_type, by_id in levels
        for node_id, f in by_id.items()
    ]
    ProgressSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["node_type", "node_id", "taken_on"],
        update_fields=["plan", "progress", "pace", "health", "stale_count"],
    )
    return len(rows)


def _lock_plan(plan_id: int) -> None:
    """Serialise recalculations of one plan without blocking the people editing it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, plan_id])


def is_transient(error: OperationalError) -> bool:
    """A deadlock or serialization failure: the transaction may simply be run again."""
    return getattr(error.__cause__, "pgcode", None) in TRANSIENT_PGCODES


def plan_recalculate(
    *, plan_id: int, today: datetime.date | None = None, snapshot: bool = False, only_if_changed: bool = False
) -> PlanFigures | None:
    """Recompute and store every cached figure of one plan; optionally take the day's snapshot.

    Idempotent: running it twice, or twice at once, stores the same figures and one snapshot a
    day. Returns None when the plan no longer exists, or, with `only_if_changed` (the queued
    run), when no change is pending: an earlier run already accounted for them. A deadlock or
    serialization failure is retried (RECALCULATION_ATTEMPTS in all) before it is raised.
    """
    today = today or timezone.localdate()
    for attempt in range(1, RECALCULATION_ATTEMPTS + 1):
        try:
            return _recalculate_once(plan_id, today, snapshot, only_if_changed)
        except OperationalError as error:
            if not is_transient(error) or attempt == RECALCULATION_ATTEMPTS:
                raise
            logger.warning("Recalculation of plan %s: %s; trying again (attempt %s).", plan_id, error, attempt + 1)
            time.sleep(0.05 * attempt)
    return None  # not reached: the last attempt returns or raises


def _recalculate_once(plan_id: int, today: datetime.date, snapshot: bool, only_if_changed: bool) -> PlanFigures | None:
    # The changes this run accounts for are listed before the plan is read: one that commits
    # while we compute stays pending and brings another run, so nothing is lost and no editor waits.
    if not Plan.objects.filter(pk=plan_id).exists():
        return None
    seen = plan_changes_claim(plan_id=plan_id)
    if only_if_changed and not seen:
        return None
    with transaction.atomic():
        plans_changed(plan_id)  # the figures written below are this plan's data (the response cache)
        _lock_plan(plan_id)
        stored: dict[str, dict[int, tuple]] = {}
        inputs = load_inputs(plan_id, stored=stored)
        figures = compute_plan(inputs, today)
        figures.initiative_reporting, figures.metric_reporting = plan_reporting(inputs, today)
        now = timezone.now()
        # Only rows whose figures changed (the plan row always: its computed_at is the time of the
        # last run); leaves first, the plan row last, each table in primary-key order.
        skipped = sum(
            write_figures(
                model,
                changed_figures(by_id, stored[level], reporting, stored.get(f"{level}_reporting")),
                now,
                reporting,
            )
            for model, level, by_id, reporting in (
                (Initiative, "initiatives", figures.initiatives, figures.initiative_reporting),
                (Metric, "metrics", figures.metrics, figures.metric_reporting),
                (Objective, "objectives", figures.objectives, None),
                (Goal, "goals", figures.goals, None),
            )
        )
        skipped += write_figures(Plan, {plan_id: figures.plan}, now)
        if snapshot:
            take_snapshots(plan_id, figures, today)
        plan_changes_clear(change_ids=seen)
        if skipped:
            # Rows someone held while we wrote: their writer marked the plan changed too, but a
            # row locked by a writer that does not (a report card, the admin) must still catch up.
            plan_mark_changed(plan_id=plan_id)
    return figures


def plans_recalculate(
    *,
    plan_ids: list[int] | None = None,
    only_dirty: bool = False,
    snapshot: bool = False,
    today: datetime.date | None = None,
) -> int:
    """Recalculate several plans (all of them by default); returns how many were done."""
    plans = Plan.objects.order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    if only_dirty:
        plans = plans.filter(Plan.pending_changes())
    done = 0
    for plan_id in plans.values_list("pk", flat=True):
        if plan_recalculate(plan_id=plan_id, today=today, snapshot=snapshot) is not None:
            done += 1
    return done


def _history(plan_id: int) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """Every status update and reading of a plan, per initiative and per metric, oldest first."""
    updates: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        StatusUpdate.objects.filter(initiative__plan_id=plan_id)
        .order_by("initiative_id", "as_of", "created_at")
        .values_list("initiative_id", "as_of", "status", "percent_complete")
    ):
        updates[row[0]].append(row[1:])
    readings: dict[int, list[tuple]] = defaultdict(list)
    for metric_id, period_end, value in (
        MetricReading.objects.filter(metric__objective__goal__plan_id=plan_id)
        .order_by("metric_id", "period_end")
        .values_list("metric_id", "period_end", "value")
    ):
        readings[metric_id].append((period_end, value))
    return updates, readings


def _latest_by(day: datetime.date, series: list[tuple]) -> tuple | None:
    """The last entry of a date-sorted series dated on or before `day`."""
    index = bisect.bisect_right([entry[0] for entry in series], day)
    return series[index - 1] if index else None


def inputs_as_of(inputs: PlanInputs, day: datetime.date, updates: dict, readings: dict) -> PlanInputs:
    """The plan as it stood on `day`: each initiative as its last update by then reported it (not
    started before its first), each metric at its last reading by then."""
    initiatives = []
    for row in inputs.initiatives:
        latest = _latest_by(day, updates.get(row["id"], []))
        as_of, status, percent = latest or (None, InitiativeStatus.NOT_STARTED, 0)
        initiatives.append({**row, "status": status, "percent_complete": percent, "last_update_on": as_of})
    metrics = []
    for row in inputs.metrics:
        latest = _latest_by(day, readings.get(row["id"], []))
        metrics.append({**row, "latest_value": latest[1] if latest else None})
    return dataclasses.replace(inputs, initiatives=initiatives, metrics=metrics)


def plan_backfill_snapshots(*, plan_id: int, days: list[datetime.date]) -> int:
    """Rebuild past snapshots from the record: for each day, the figures the plan had on that day.

    Used when a plan's history is loaded after the fact (the demo, an import of past updates), so
    trend charts and year-over-year comparisons have a past. Uses today's structure and weights;
    only status updates and readings are taken as of each day. Returns the rows written.
    """
    inputs = load_inputs(plan_id)
    updates, readings = _history(plan_id)
    written = 0
    with transaction.atomic():
        plans_changed(plan_id)  # the snapshots written below are this plan's data (the response cache)
        _lock_plan(plan_id)
        for day in days:
            written += take_snapshots(plan_id, compute_plan(inputs_as_of(inputs, day, updates, readings), day), day)
    return written


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from `start`'s month up to `end` (inclusive)."""
    days = []
    first = start.replace(day=1)
    while True:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        last = following - datetime.timedelta(days=1)
        if last > end:
            return days
        days.append(last)
        first = following
