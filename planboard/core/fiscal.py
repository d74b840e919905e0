"""Fiscal-year arithmetic. "FY2024" is the fiscal year that ends in 2024."""

import datetime


def fiscal_year_start(fiscal_year: int, start_month: int) -> datetime.date:
    """First day of a fiscal year: FY2024 with a July start begins on 2023-07-01."""
    calendar_year = fiscal_year if start_month == 1 else fiscal_year - 1
    return datetime.date(calendar_year, start_month, 1)


def fiscal_year_end(fiscal_year: int, start_month: int) -> datetime.date:
    """Last day of a fiscal year: FY2024 with a July start ends on 2024-06-30."""
    return fiscal_year_start(fiscal_year + 1, start_month) - datetime.timedelta(days=1)


def fiscal_year_of(day: datetime.date, start_month: int) -> int:
    """The fiscal year a date falls in: 2023-08-15 with a July start is in FY2024."""
    if start_month == 1 or day.month < start_month:
        return day.year
    return day.year + 1
