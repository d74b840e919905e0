"""Reporting periods: pure date arithmetic, a leaf like planboard.core.progress (no models).

A plan reports monthly or quarterly; a metric at its own frequency (monthly, quarterly, twice a
year, annually). Periods are aligned to the fiscal year (`fiscal_year_start_month`; "FY2027" is the
fiscal year that ends in 2027), so with a July start the quarters are Jul-Sep, Oct-Dec, Jan-Mar and
Apr-Jun. A period is due `due_days` after its last day.

Which period an update reports for: the reporting windows partition the calendar. Period P's
window is (previous.due_on, P.due_on], so an update made on `day` reports for the earliest period
whose due date is on or after `day` (`period_owed_on`). With quarterly periods due 15 days after
they end, an update on 10 January reports for Oct-Dec (due 15 January); one on 16 January for
Jan-Mar.

Keys are stable and URL-safe: "2026-11" (a month), "FY2027-Q2" (a quarter), "FY2027-H1" (a half
year), "FY2027" (a year).
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from planboard.core.fiscal import fiscal_year_of, fiscal_year_start

MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL = "monthly", "quarterly", "semiannual", "annual"
# Months per period. A plan chooses monthly or quarterly; metrics may also report twice a year or yearly.
CADENCE_MONTHS = {MONTHLY: 1, QUARTERLY: 3, SEMIANNUAL: 6, ANNUAL: 12}
PLAN_CADENCES = (MONTHLY, QUARTERLY)
_PREFIX = {QUARTERLY: "Q", SEMIANNUAL: "H"}


@dataclass(frozen=True)
class Period:
    """One reporting period: `starts_on`..`ends_on` (both inclusive), due on `due_on`."""

    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date
    cadence: str
    label: str
    key: str

    def window_contains(self, day: datetime.date, previous: "Period") -> bool:
        """Whether an update made on `day` reports for this period (`previous` is the one before)."""
        return previous.due_on < day <= self.due_on


@dataclass(frozen=True)
class ReportingCalendar:
    """The sequence of periods of one cadence, fiscal-year start and due delay."""

    cadence: str
    fiscal_year_start_month: int
    due_days: int

    def __post_init__(self):
        if self.cadence not in CADENCE_MONTHS:
            raise ValueError(f"Unknown reporting cadence {self.cadence!r}; use one of {', '.join(CADENCE_MONTHS)}.")
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ValueError("The fiscal year's first month must be 1 to 12.")
        if self.due_days < 0:
            raise ValueError("A period cannot be due before it ends: the due days must be zero or more.")

    @property
    def months(self) -> int:
        return CADENCE_MONTHS[self.cadence]

    def _period(self, fiscal_year: int, index: int) -> Period:
        """The `index`-th period (0-based) of a fiscal year."""
        first = _add_months(fiscal_year_start(fiscal_year, self.fiscal_year_start_month), index * self.months)
        last = _add_months(first, self.months) - datetime.timedelta(days=1)
        return Period(
            starts_on=first,
            ends_on=last,
            due_on=last + datetime.timedelta(days=self.due_days),
            cadence=self.cadence,
            label=self._label(fiscal_year, index, first, last),
            key=self._key(fiscal_year, index, first),
        )

    def _label(self, fiscal_year: int, index: int, first: datetime.date, last: datetime.date) -> str:
        if self.cadence == MONTHLY:
            return f"{calendar.month_name[first.month]} {first.year}"
        span = (
            f"{first:%b}-{last:%b %Y}" if first.year == last.year else f"{first:%b %Y}-{last:%b %Y}"
        )  # "Oct-Dec 2026", "Nov 2026-Jan 2027"
        name = f"FY{fiscal_year}" if self.cadence == ANNUAL else f"FY{fiscal_year} {_PREFIX[self.cadence]}{index + 1}"
        return f"{name} ({span})"

    def _key(self, fiscal_year: int, index: int, first: datetime.date) -> str:
        if self.cadence == MONTHLY:
            return f"{first:%Y-%m}"
        if self.cadence == ANNUAL:
            return f"FY{fiscal_year}"
        return f"FY{fiscal_year}-{_PREFIX[self.cadence]}{index + 1}"

    def containing(self, day: datetime.date) -> Period:
        """The period `day` falls in."""
        fiscal_year = fiscal_year_of(day, self.fiscal_year_start_month)
        start = fiscal_year_start(fiscal_year, self.fiscal_year_start_month)
        months_in = (day.year - start.year) * 12 + day.month - start.month
        return self._period(fiscal_year, months_in // self.months)

    def after(self, period: Period) -> Period:
        return self.containing(period.ends_on + datetime.timedelta(days=1))

    def before(self, period: Period) -> Period:
        return self.containing(period.starts_on - datetime.timedelta(days=1))

    def owed_on(self, day: datetime.date) -> Period:
        """The period an update made on `day` reports for: the earliest whose due date is on or after `day`."""
        period = self.containing(day)  # due on or after its last day, so on or after `day`
        while (previous := self.before(period)).due_on >= day:
            period = previous  # a long due delay: an earlier period is still open for reports
        return period

    def from_key(self, key: str) -> Period:
        """The period a key names; ValueError when the key is not one of this calendar's."""
        if self.cadence == MONTHLY:
            match = re.fullmatch(r"(\d{4})-(\d{2})", key or "")
            if not match or not 1 <= int(match[2]) <= 12:
                raise ValueError(f"“{key}” is not a month key like 2026-11.")
            return self.containing(datetime.date(int(match[1]), int(match[2]), 1))
        if self.cadence == ANNUAL:
            match = re.fullmatch(r"FY(\d{4})", key or "")
            if not match:
                raise ValueError(f"“{key}” is not a fiscal year key like FY2027.")
            return self._period(int(match[1]), 0)
        prefix, count = _PREFIX[self.cadence], 12 // self.months
        match = re.fullmatch(rf"FY(\d{{4}})-{prefix}(\d)", key or "")
        if not match or not 1 <= int(match[2]) <= count:
            raise ValueError(f"“{key}” is not a period key like FY2027-{prefix}1 (1 to {count}).")
        return self._period(int(match[1]), int(match[2]) - 1)

    def between(self, first_day: datetime.date, last_day: datetime.date) -> list[Period]:
        """Every period that overlaps first_day..last_day (inclusive), oldest first."""
        periods: list[Period] = []
        if last_day < first_day:
            return periods
        period = self.containing(first_day)
        while period.starts_on <= last_day:
            periods.append(period)
            period = self.after(period)
        return periods


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of a month `months` after `day`'s month (periods always start on the 1st)."""
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def period_containing(day: datetime.date, *, cadence: str, fiscal_year_start_month: int, due_days: int) -> Period:
    """The period `day` falls in."""
    return ReportingCalendar(cadence, fiscal_year_start_month, due_days).containing(day)


def period_owed_on(day: datetime.date, *, cadence: str, fiscal_year_start_month: int, due_days: int) -> Period:
    """The period an update made on `day` reports for: the earliest period whose due date is on or
    after `day` (the reporting windows (previous.due_on, due_on] partition the calendar)."""
    return ReportingCalendar(cadence, fiscal_year_start_month, due_days).owed_on(day)


def period_from_key(key: str, *, cadence: str, fiscal_year_start_month: int, due_days: int) -> Period:
    """The period a key names ("2026-11", "FY2027-Q2"); ValueError when it is not a key of this cadence."""
    return ReportingCalendar(cadence, fiscal_year_start_month, due_days).from_key(key)


def periods_between(
    first_day: datetime.date, last_day: datetime.date, *, cadence: str, fiscal_year_start_month: int, due_days: int
) -> list[Period]:
    """Every period overlapping first_day..last_day (inclusive), oldest first."""
    return ReportingCalendar(cadence, fiscal_year_start_month, due_days).between(first_day, last_day)
