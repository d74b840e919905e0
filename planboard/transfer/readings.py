"""Importing a batch of metric readings: check every row, then record them through the service.

Each row becomes a call to `goals.services.metric_record_reading`. A metric is named by its plan,
its objective's code and its own name. A row equal to the reading already stored for that period
is skipped; a different value for a period that has a reading is refused, unless the person
chose to correct existing readings, in which case the service records it as an audited correction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.models import Metric, MetricReading
from goals.services import closed_containing, closed_periods_by_plan, closed_refusal, metric_record_reading
from planboard.core import permissions
from planboard.transfer.cells import RowCheck
from planboard.transfer.problems import ImportRefused, Problem
from planboard.transfer.read import Row

Progress = Callable[[int, int], None]


@dataclass
class ReadingRow:
    row: Row
    plan: str
    objective: str
    name: str
    period_end: object
    value: Decimal | None
    note: str
    metric: Metric | None = None
    correct: bool = False


def _read(rows: Iterable[Row], problems: list[Problem]) -> list[ReadingRow]:
    parsed = []
    for row in rows:
        check = RowCheck(row, problems)
        parsed.append(
            ReadingRow(
                row=row,
                plan=check.text("plan", required=True),
                objective=check.text("objective", required=True),
                name=check.text("metric", required=True),
                period_end=check.date("period_end", required=True),
                value=check.decimal("value", required=True),
                note=check.text("note"),
            )
        )
    return parsed


def _metrics(parsed: list[ReadingRow]) -> dict[tuple[str, str, str], list[Metric]]:
    """The metrics the file names, by (plan slug, objective code, name), in one query."""
    keys = {(e.plan, e.objective, e.name) for e in parsed if e.plan and e.objective and e.name}
    if not keys:
        return {}
    found = Metric.objects.filter(
        objective__goal__plan__slug__in={k[0] for k in keys}, name__in={k[2] for k in keys}
    ).select_related("objective__goal__plan")
    metrics: dict[tuple[str, str, str], list[Metric]] = {}
    for metric in found:
        key = (metric.objective.goal.plan.slug, metric.objective.code, metric.name)
        if key in keys:
            metrics.setdefault(key, []).append(metric)
    return metrics


def readings_check(
    rows: Iterable[Row], user, problems: list[Problem], *, correct: bool = False
) -> tuple[list[ReadingRow], int]:
    """Every row checked without writing; returns the readings to record and how many are already stored."""
    parsed = _read(rows, problems)
    metrics = _metrics(parsed)
    stored, stored_pk = {}, {}
    for pk, metric_id, period_end, value, note in MetricReading.objects.filter(
        metric__in=[m.pk for found in metrics.values() for m in found]
    ).values_list("pk", "metric_id", "period_end", "value", "note"):
        stored[metric_id, period_end] = (value, (note or "").strip())
        stored_pk[metric_id, period_end] = pk
    closed = closed_periods_by_plan({m.objective.goal.plan_id for found in metrics.values() for m in found})
    first_row: dict[tuple, int] = {}
    to_record, unchanged = [], 0
    for entry in parsed:
        check = RowCheck(entry.row, problems)
        found = [
            m
            for m in metrics.get((entry.plan, entry.objective, entry.name), [])
            if permissions.can_view_plan(user, m.objective.goal.plan)
        ]
        if entry.plan and entry.objective and entry.name and not found:
            check.problem(
                "metric",
                f"Unknown metric: plan “{entry.plan}” has no metric named “{entry.name}” "
                f"under objective {entry.objective} that you can see.",
            )
            continue
        if len(found) > 1:
            check.problem(
                "objective",
                f"Objective code {entry.objective} is used by more than one goal of the "
                "plan, so this metric cannot be told apart; rename one objective.",
            )
            continue
        if not found or entry.period_end is None:
            continue
        metric = found[0]
        key = (metric.pk, entry.period_end)
        if key in first_row:
            check.problem(
                "period_end",
                f"Duplicate row: row {first_row[key]} already has a reading for this metric "
                f"for the period ending {entry.period_end:%Y-%m-%d}; keep one.",
            )
            continue
        first_row[key] = entry.row.number
        if entry.value is None:
            continue
        previous = stored.get(key)
        if previous == (entry.value, entry.note):
            unchanged += 1
            continue
        if not permissions.can_edit_metric(user, metric):
            check.problem(
                "metric",
                f"You may not record readings for “{metric.name}”: you do not own the metric "
                "and may not edit its plan.",
            )
            continue
        closed_one = closed_containing(closed[metric.objective.goal.plan_id], entry.period_end)
        if closed_one is not None:
            check.problem("period_end", closed_refusal(closed_one, what="its readings"))
            continue
        if previous is not None and not correct:
            check.problem(
                "period_end",
                f"This metric already has a reading for the period ending "
                f"{entry.period_end:%Y-%m-%d} ({previous[0]}); choose to correct existing readings "
                "if the earlier figure was wrong.",
            )
            continue
        # A correction is checked as the stored reading with its new value, so it is no duplicate of itself.
        reading = MetricReading(
            pk=stored_pk.get(key), metric=metric, period_end=entry.period_end, value=entry.value, note=entry.note
        )
        check.model_problems(reading, exclude=["metric", "entered_by"])
        if check.ok:
            entry.metric, entry.correct = metric, previous is not None
            to_record.append(entry)
    return to_record, unchanged


def readings_apply(to_record: list[ReadingRow], user, progress: Progress | None = None) -> tuple[int, int]:
    """Record every checked reading in one transaction; returns (added, corrected)."""
    problems: list[Problem] = []
    # In one order (metric, then period), so two imports lock readings in the same order.
    ordered = sorted(to_record, key=lambda entry: (entry.metric.pk, entry.period_end))
    with transaction.atomic():
        for done, entry in enumerate(ordered, start=1):
            try:
                metric_record_reading(
                    metric=entry.metric,
                    entered_by=user,
                    period_end=entry.period_end,
                    value=entry.value,
                    note=entry.note,
                    correct=entry.correct,
                )
            except (ValidationError, PermissionDenied) as error:
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                problems.append(Problem(entry.row.sheet, entry.row.number, "metric", entry.name, " ".join(messages)))
            if progress is not None:
                progress(done, len(to_record))
        if problems:
            raise ImportRefused(sorted(problems, key=lambda problem: (problem.sheet, problem.row)))
    corrected = sum(1 for entry in to_record if entry.correct)
    return len(to_record) - corrected, corrected
