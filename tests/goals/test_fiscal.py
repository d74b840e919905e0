"""Fiscal-year arithmetic: "FY2024" is the fiscal year that ends in 2024."""

import datetime

import pytest

from planboard.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start

JULY, OCTOBER, JANUARY = 7, 10, 1


@pytest.mark.parametrize(
    "fiscal_year, start_month, first_day, last_day",
    [
        # A July start: FY2024 runs 2023-07-01 .. 2024-06-30 (Phoenix, most US cities).
        (2024, JULY, datetime.date(2023, 7, 1), datetime.date(2024, 6, 30)),
        # An October start (the federal year): FY2024 runs 2023-10-01 .. 2024-09-30.
        (2024, OCTOBER, datetime.date(2023, 10, 1), datetime.date(2024, 9, 30)),
        # A January start: the fiscal year is the calendar year.
        (2024, JANUARY, datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        # FY2024 with a March start ends on 2024-02-29: 2024 is a leap year.
        (2024, 3, datetime.date(2023, 3, 1), datetime.date(2024, 2, 29)),
    ],
)
def test_fiscal_year_start_and_end(fiscal_year, start_month, first_day, last_day):
    assert fiscal_year_start(fiscal_year, start_month) == first_day
    assert fiscal_year_end(fiscal_year, start_month) == last_day


@pytest.mark.parametrize(
    "day, start_month, fiscal_year",
    [
        (datetime.date(2023, 6, 30), JULY, 2023),  # last day of FY2023
        (datetime.date(2023, 7, 1), JULY, 2024),  # first day of FY2024
        (datetime.date(2023, 12, 31), JULY, 2024),  # New Year's Eve sits mid-year
        (datetime.date(2024, 1, 1), JULY, 2024),
        (datetime.date(2024, 6, 30), JULY, 2024),
        (datetime.date(2023, 9, 30), OCTOBER, 2023),
        (datetime.date(2023, 10, 1), OCTOBER, 2024),
        (datetime.date(2023, 12, 31), JANUARY, 2023),  # calendar-year city: Dec 31 ends the year
        (datetime.date(2024, 1, 1), JANUARY, 2024),  # ... and Jan 1 starts the next
        (datetime.date(2024, 6, 30), JANUARY, 2024),
        (datetime.date(2024, 7, 1), JANUARY, 2024),
    ],
)
def test_fiscal_year_of(day, start_month, fiscal_year):
    assert fiscal_year_of(day, start_month) == fiscal_year


@pytest.mark.parametrize("start_month", range(1, 13))
def test_every_day_falls_inside_the_fiscal_year_it_is_assigned_to(start_month):
    # Walk two whole calendar years, 2023-01-01 .. 2024-12-31 (731 days, 2024 is a leap year).
    day = datetime.date(2023, 1, 1)
    while day <= datetime.date(2024, 12, 31):
        year = fiscal_year_of(day, start_month)
        assert fiscal_year_start(year, start_month) <= day <= fiscal_year_end(year, start_month), day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("start_month", range(1, 13))
def test_consecutive_fiscal_years_meet_without_gap_or_overlap(start_month):
    assert fiscal_year_end(2024, start_month) + datetime.timedelta(days=1) == fiscal_year_start(2025, start_month)
