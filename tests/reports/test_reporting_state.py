"""The reporting rule of planboard.core.progress: which period an item owes now, and whether it
has reported for it, is due or is late."""

import dataclasses
import datetime

import pytest

from planboard.core import progress, reporting
from planboard.core.periods import ReportingCalendar
from planboard.core.progress import ReportState
from tests.reports.test_progress import _inputs

D = datetime.date
QUARTERS = ReportingCalendar("quarterly", 7, 15)  # Oct-Dec 2026 is due 15 January 2027


LONG_AGO = D(2020, 1, 1)


def _state(today, reported_through, owes_from=LONG_AGO):
    period = progress.owed_period(
        calendar=QUARTERS, reported_through=reported_through, owes_from=owes_from, today=today
    )
    return period, progress.report_state(owed_period=period, reported_through=reported_through, today=today)


@pytest.mark.parametrize(
    "today, reported_through, key, state",
    [
        # Before Oct-Dec's due date: that quarter is owed, and due until it is reported.
        (D(2027, 1, 10), D(2026, 9, 30), "FY2027-Q2", ReportState.DUE),
        (D(2027, 1, 15), D(2026, 9, 30), "FY2027-Q2", ReportState.DUE),  # on the due date: not yet late
        (D(2027, 1, 10), D(2026, 12, 31), "FY2027-Q2", ReportState.REPORTED),
        # After it: Oct-Dec unreported is late; reported, the next quarter is owed (and due).
        (D(2027, 1, 16), D(2026, 9, 30), "FY2027-Q2", ReportState.LATE),
        (D(2027, 1, 16), None, "FY2027-Q2", ReportState.LATE),
        (D(2027, 1, 16), D(2026, 12, 31), "FY2027-Q3", ReportState.DUE),
        # An update after the due date reports for Jan-Mar: it clears the arrears, the item is reported.
        (D(2027, 1, 16), D(2027, 3, 31), "FY2027-Q3", ReportState.REPORTED),
    ],
)
def test_owed_period_and_state(today, reported_through, key, state):
    period, found = _state(today, reported_through)
    assert (period.key, found) == (key, state)


def test_the_due_date_is_that_of_the_owed_period():
    period, state = _state(D(2027, 2, 1), None)
    assert (period.due_on, state) == (D(2027, 1, 15), ReportState.LATE)


def test_an_item_begun_after_the_last_period_is_not_late():
    # Started 2027-01-05: it did not owe Oct-Dec, so on 16 January it owes Jan-Mar.
    period, state = _state(D(2027, 1, 16), None, owes_from=D(2027, 1, 5))
    assert (period.key, state) == ("FY2027-Q3", ReportState.DUE)


def test_an_item_not_begun_owes_nothing():
    period, state = _state(D(2027, 1, 16), None, owes_from=D(2027, 6, 1))
    assert (period, state) == (None, ReportState.NOT_OWED)


def test_plan_reporting_leaves_out_cancelled_on_hold_and_completed():
    today = D(2024, 8, 1)  # FY2025 Q1 (Jul-Sep 2024) is owed; Apr-Jun 2024 was due 15 July
    inputs = _inputs(reporting=QUARTERS)
    inputs.initiatives[0]["latest_period_end"] = D(2024, 6, 30)
    inputs.initiatives[3]["latest_period_end"] = D(2024, 3, 31)
    by_id, _ = reporting.plan_reporting(inputs, today)
    assert by_id[1000] == progress.Reporting(D(2024, 10, 15), D(2024, 6, 30), ReportState.DUE)
    assert by_id[1003] == progress.Reporting(D(2024, 7, 15), D(2024, 3, 31), ReportState.LATE)
    assert by_id[1001].report_state == by_id[1002].report_state == ReportState.NOT_OWED  # cancelled, completed
    assert by_id[1001].report_due_on is None


def test_metrics_report_at_their_own_frequency():
    today = D(2024, 8, 1)
    inputs = _inputs(reporting=QUARTERS)
    inputs.metrics[0].update(frequency="annual", latest_on=D(2023, 6, 30))  # FY2023 reported
    inputs.metrics[1].update(frequency="monthly", latest_on=D(2024, 6, 30))  # June reported, July due 15 Aug
    _, by_metric = reporting.plan_reporting(inputs, today)
    # Annual: FY2024 (Jul 2023-Jun 2024) was due 15 July 2024 and is missing.
    assert by_metric[100] == progress.Reporting(D(2024, 7, 15), D(2023, 6, 30), ReportState.LATE)
    assert by_metric[101] == progress.Reporting(D(2024, 8, 15), D(2024, 6, 30), ReportState.DUE)


def test_an_archived_plan_owes_nothing():
    inputs = dataclasses.replace(_inputs(reporting=QUARTERS), reports_owed=False)
    initiatives, metrics = reporting.plan_reporting(inputs, D(2024, 8, 1))
    assert {r.report_state for r in initiatives.values()} == {ReportState.NOT_OWED}
    assert {r.report_state for r in metrics.values()} == {ReportState.NOT_OWED}


def test_metric_reported_through_is_the_end_of_the_readings_period():
    assert reporting.metric_reported_through(
        frequency="quarterly", latest_period_end=D(2024, 2, 15), fiscal_year_start_month=7
    ) == D(2024, 3, 31)
    assert (
        reporting.metric_reported_through(frequency="monthly", latest_period_end=None, fiscal_year_start_month=7)
        is None
    )


def test_without_a_calendar_no_reporting_figures():
    assert reporting.plan_reporting(_inputs(), D(2024, 8, 1)) == ({}, {})


def test_a_closed_missed_period_is_owed_no_more_the_current_one_is():
    # 20 January 2027: Oct-Dec 2026 (FY2027 Q2) is past due and unreported, so late; once the CIO
    # has closed it, no report for it is taken, and the item owes Jan-Mar (FY2027 Q3), due.
    closed = D(2026, 12, 31)
    period = progress.owed_period(
        calendar=QUARTERS, reported_through=None, owes_from=LONG_AGO, today=D(2027, 1, 20), closed_through=closed
    )
    assert (period.key, progress.report_state(owed_period=period, reported_through=None, today=D(2027, 1, 20))) == (
        "FY2027-Q3",
        ReportState.DUE,
    )


def test_a_closed_current_period_leaves_nothing_owed():
    # 10 January 2027, Oct-Dec is the current period (due 15 January) but the CIO closed it early.
    assert (
        progress.owed_period(
            calendar=QUARTERS,
            reported_through=D(2026, 9, 30),
            owes_from=LONG_AGO,
            today=D(2027, 1, 10),
            closed_through=D(2026, 12, 31),
        )
        is None
    )
