"""The reporting figures of a whole plan: the rule of planboard.core.progress (`owed_period`,
`report_state`, beside the stale rule) applied to every initiative and metric of a plan, from the
rows of PlanInputs, and the metric's own reporting periods. Pure, like the method itself."""

import datetime
import functools

from planboard.core.periods import ReportingCalendar
from planboard.core.progress import (
    FREQUENCY_MONTHS,
    NOT_REPORTING_STATUSES,
    PlanInputs,
    Reporting,
    ReportState,
    owed_period,
    report_state,
)


def reporting(
    *,
    calendar: ReportingCalendar,
    reported_through: datetime.date | None,
    owes_from: datetime.date,
    today: datetime.date,
    owes: bool = True,
    closed_through: datetime.date | None = None,
) -> Reporting:
    """The reporting figures of one item; `owes` False (not counted, completed, an archived plan):
    nothing owed, though what it reported stays on record."""
    period = owed_period(
        calendar=calendar,
        reported_through=reported_through,
        owes_from=owes_from,
        today=today,
        closed_through=closed_through,
    )
    if not owes or period is None:
        return Reporting(None, reported_through, ReportState.NOT_OWED)
    return Reporting(
        period.due_on,
        reported_through,
        report_state(owed_period=period, reported_through=reported_through, today=today),
    )


def metric_reported_through(
    *, frequency: str, latest_period_end: datetime.date | None, fiscal_year_start_month: int
) -> datetime.date | None:
    """The last day of the metric period (at its own frequency) its latest reading falls in."""
    if latest_period_end is None:
        return None
    return _period_end(ReportingCalendar(_metric_cadence(frequency), fiscal_year_start_month, 0), latest_period_end)


@functools.lru_cache(maxsize=4096)
def _period_end(calendar: ReportingCalendar, day: datetime.date) -> datetime.date:
    # Readings fall on a few period ends: a plan's thousands of metrics share a handful of answers.
    return calendar.containing(day).ends_on


def _metric_cadence(frequency: str) -> str:
    return frequency if frequency in FREQUENCY_MONTHS else "quarterly"


@functools.lru_cache(maxsize=64)
def _calendar(cadence: str, fiscal_year_start_month: int, due_days: int) -> ReportingCalendar:
    return ReportingCalendar(cadence, fiscal_year_start_month, due_days)


def metric_calendar(*, frequency: str, fiscal_year_start_month: int, due_days: int) -> ReportingCalendar:
    """A metric reports at its own frequency, on the plan's fiscal year and due delay."""
    return _calendar(_metric_cadence(frequency), fiscal_year_start_month, due_days)


def plan_reporting(inputs: PlanInputs, today: datetime.date) -> tuple[dict[int, Reporting], dict[int, Reporting]]:
    """The reporting figures of every initiative and metric of a plan (see `owed_period`).

    Who owes: initiatives counted in roll-ups that are not completed (cancelled, on hold and
    completed ones owe nothing), from their start date (the plan's start without one), one status
    update per period of the plan's cadence; metrics, from their baseline date, one reading per
    period of their own frequency, due the plan's due days after it ends.
    """
    calendar = inputs.reporting
    if calendar is None:
        return {}, {}
    initiatives = {
        row["id"]: reporting(
            calendar=calendar,
            reported_through=row.get("latest_period_end"),
            owes_from=row["start_date"] or inputs.window.start,
            today=today,
            owes=inputs.reports_owed and row["status"] not in NOT_REPORTING_STATUSES,
            closed_through=inputs.closed_through,
        )
        for row in inputs.initiatives
    }
    metrics = {}
    for row in inputs.metrics:
        frequency = row.get("frequency") or "quarterly"
        metrics[row["id"]] = reporting(
            calendar=metric_calendar(
                frequency=frequency,
                fiscal_year_start_month=calendar.fiscal_year_start_month,
                due_days=calendar.due_days,
            ),
            reported_through=metric_reported_through(
                frequency=frequency,
                latest_period_end=row.get("latest_on"),
                fiscal_year_start_month=calendar.fiscal_year_start_month,
            ),
            # The baseline is the reading of its own period: the first period owed is the next one.
            owes_from=row["baseline_date"] + datetime.timedelta(days=1),
            today=today,
            owes=inputs.reports_owed,
            closed_through=inputs.closed_through,
        )
    return initiatives, metrics
