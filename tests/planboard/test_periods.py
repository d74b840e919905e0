"""The period arithmetic of planboard.core.periods: pure, no database."""

import datetime

import pytest

from planboard.core.periods import (
    ReportingCalendar,
    period_containing,
    period_from_key,
    period_owed_on,
    periods_between,
)

D = datetime.date
JULY_QUARTERS = {"cadence": "quarterly", "fiscal_year_start_month": 7, "due_days": 15}
JANUARY_QUARTERS = {"cadence": "quarterly", "fiscal_year_start_month": 1, "due_days": 15}
JULY_MONTHS = {"cadence": "monthly", "fiscal_year_start_month": 7, "due_days": 10}


def test_quarter_of_a_july_fiscal_year():
    # FY2027 begins 2026-07-01: Jul-Sep is Q1, Oct-Dec Q2.
    period = period_containing(D(2026, 11, 3), **JULY_QUARTERS)
    assert (period.starts_on, period.ends_on, period.due_on) == (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 15))
    assert period.key == "FY2027-Q2"
    assert period.label == "FY2027 Q2 (Oct-Dec 2026)"
    assert period.cadence == "quarterly"


def test_quarter_of_a_january_fiscal_year():
    period = period_containing(D(2026, 11, 3), **JANUARY_QUARTERS)
    assert (period.starts_on, period.ends_on) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period.key == "FY2026-Q4"
    assert period.label == "FY2026 Q4 (Oct-Dec 2026)"


def test_quarter_across_a_year_end_is_labelled_with_both_years():
    # A fiscal year starting in November: its first quarter is Nov 2026-Jan 2027 (FY2027).
    period = period_containing(D(2027, 1, 31), cadence="quarterly", fiscal_year_start_month=11, due_days=15)
    assert (period.starts_on, period.ends_on) == (D(2026, 11, 1), D(2027, 1, 31))
    assert period.label == "FY2027 Q1 (Nov 2026-Jan 2027)"
    assert period.key == "FY2027-Q1"


def test_month():
    period = period_containing(D(2026, 11, 30), **JULY_MONTHS)
    assert (period.starts_on, period.ends_on, period.due_on) == (D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 10))
    assert (period.key, period.label) == ("2026-11", "November 2026")


def test_due_date_crosses_the_year_end():
    period = period_containing(D(2026, 12, 5), **JULY_MONTHS)
    assert period.due_on == D(2027, 1, 10)


def test_leap_years():
    # February 2028 has 29 days; 2027 has 28. A March due date counts from the last day.
    assert period_containing(D(2028, 2, 10), **JULY_MONTHS).ends_on == D(2028, 2, 29)
    assert period_containing(D(2027, 2, 10), **JULY_MONTHS).ends_on == D(2027, 2, 28)
    assert period_containing(D(2028, 2, 29), **JULY_MONTHS).due_on == D(2028, 3, 10)
    # The Jan-Mar quarter of a leap year still ends on 31 March: 91 days (31 + 29 + 31).
    q3 = period_containing(D(2028, 2, 29), **JULY_QUARTERS)
    assert (q3.ends_on - q3.starts_on).days + 1 == 91


def test_owed_period_before_and_after_the_due_date():
    # Oct-Dec 2026 is due 15 January 2027: until then (inclusive) updates report for it.
    assert period_owed_on(D(2027, 1, 10), **JULY_QUARTERS).key == "FY2027-Q2"
    assert period_owed_on(D(2027, 1, 15), **JULY_QUARTERS).key == "FY2027-Q2"
    assert period_owed_on(D(2027, 1, 16), **JULY_QUARTERS).key == "FY2027-Q3"
    # Inside a quarter, after the previous one's due date: the quarter itself.
    assert period_owed_on(D(2026, 11, 20), **JULY_QUARTERS).key == "FY2027-Q2"


def test_owed_period_with_a_due_delay_longer_than_a_period():
    # Monthly, due 45 days after the month: on 10 March 2027 January (due 17 March) is still open.
    settings = {"cadence": "monthly", "fiscal_year_start_month": 7, "due_days": 45}
    assert period_owed_on(D(2027, 3, 10), **settings).key == "2027-01"
    assert period_owed_on(D(2027, 3, 18), **settings).key == "2027-02"


def test_due_on_the_last_day():
    settings = {"cadence": "monthly", "fiscal_year_start_month": 1, "due_days": 0}
    assert period_owed_on(D(2026, 11, 30), **settings).key == "2026-11"
    assert period_owed_on(D(2026, 12, 1), **settings).key == "2026-12"


@pytest.mark.parametrize("settings", [JULY_QUARTERS, JANUARY_QUARTERS, JULY_MONTHS])
def test_reporting_windows_partition_the_calendar(settings):
    """Every day of three years reports for exactly one period, and the windows follow each other:
    (previous.due_on, due_on] with no gap and no overlap."""
    calendar = ReportingCalendar(**settings)
    day, previous = D(2025, 1, 1), None
    while day < D(2028, 1, 1):
        owed = calendar.owed_on(day)
        assert calendar.before(owed).due_on < day <= owed.due_on
        assert owed.window_contains(day, calendar.before(owed))
        if previous is not None and owed != previous:
            assert owed == calendar.after(previous)  # the next period, never one skipped
            assert previous.due_on == day - datetime.timedelta(days=1)
        previous = owed
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "settings",
    [
        JULY_QUARTERS,
        JANUARY_QUARTERS,
        JULY_MONTHS,
        {"cadence": "semiannual", "fiscal_year_start_month": 7, "due_days": 30},
        {"cadence": "annual", "fiscal_year_start_month": 10, "due_days": 30},
    ],
)
def test_keys_round_trip(settings):
    for period in periods_between(D(2025, 6, 1), D(2028, 6, 30), **settings):
        assert period_from_key(period.key, **settings) == period


def test_periods_follow_each_other_without_gaps():
    periods = periods_between(D(2026, 8, 15), D(2027, 8, 1), **JULY_QUARTERS)
    assert [p.key for p in periods] == ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4", "FY2028-Q1"]
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.starts_on == earlier.ends_on + datetime.timedelta(days=1)
    assert periods_between(D(2027, 1, 1), D(2026, 1, 1), **JULY_QUARTERS) == []


def test_half_years_and_years():
    half = period_containing(D(2027, 2, 1), cadence="semiannual", fiscal_year_start_month=7, due_days=30)
    assert (half.key, half.label, half.ends_on) == ("FY2027-H2", "FY2027 H2 (Jan-Jun 2027)", D(2027, 6, 30))
    year = period_containing(D(2027, 2, 1), cadence="annual", fiscal_year_start_month=7, due_days=30)
    assert (year.key, year.label, year.due_on) == ("FY2027", "FY2027 (Jul 2026-Jun 2027)", D(2027, 7, 30))


@pytest.mark.parametrize("key", ["", "2026-13", "FY2027-Q5", "FY2027-Q0", "fy2027-q1", "2026-1", "FY2027-H1"])
def test_bad_keys_are_refused(key):
    with pytest.raises(ValueError):
        period_from_key(key, **JULY_QUARTERS if key.startswith("FY") or not key else JULY_MONTHS)


def test_a_monthly_key_is_no_quarter():
    with pytest.raises(ValueError, match="FY2027-Q1"):
        period_from_key("2026-11", **JULY_QUARTERS)


@pytest.mark.parametrize(
    "settings",
    [
        {"cadence": "weekly", "fiscal_year_start_month": 7, "due_days": 15},
        {"cadence": "monthly", "fiscal_year_start_month": 13, "due_days": 15},
        {"cadence": "monthly", "fiscal_year_start_month": 7, "due_days": -1},
    ],
)
def test_bad_settings_are_refused(settings):
    with pytest.raises(ValueError):
        ReportingCalendar(**settings)
