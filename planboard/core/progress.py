"""The progress method: the one home of roll-up, pace, health, grades, staleness and lateness.

Everything here is the public method of DESIGN.md "How progress is computed", written so a
reader can redo any figure with a calculator. Progress is a fraction 0..1, or None when there is
nothing to measure; None never counts as zero.

The first half is the method as pure functions. The second half, `compute_plan`, applies it to
a whole plan from a handful of batched inputs (see reports/recalculation.py for loading and
writing), so a plan of any size costs the same number of queries.

Exact at the boundaries (DESIGN.md "Exactness"): bands are decided on `Fraction`s, so an item
exactly on a line gets the better band (0.70 against a pace of 0.80 is on track; in floats
0.8 − 0.1 = 0.7000000000000001). Figures are stored as floats and graded later from them, so
`exact()` reads a float back as the nearest fraction with a denominator up to a million
(EXACT_DENOMINATOR). Every figure is made from exact inputs (whole percents, decimal readings and
weights, whole days), and two fractions with such denominators differ by at least 1e-12, far more
than any float error: a figure whose exact denominator is at most a million (any pace, any
initiative, blends and means of a few) comes back exactly on every path, so the band recomputed
from stored figures is the band the engine stored; one with a larger denominator comes back
within 1e-12. A fixed number of decimals would not do: a pace of 5/9 (200 of 360 days) to nine
decimals makes 0.50 a ratio of 0.8999999993, a B where a calculator gives an A. Attainment is
computed and clamped on the Decimal inputs, then stored (a reading on target is exactly 1).
Speed: `at_least` first compares in floats and reads the figures back exactly only when they
fall within TIE_WINDOW of the line; outside it float error (about 1e-15) cannot change the answer.
"""

import calendar
import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from planboard.core.choices import Health, InitiativeStatus, Term
from planboard.core.fiscal import fiscal_year_start
from planboard.core.periods import Period, ReportingCalendar

# Health thresholds: how far progress may trail pace before an item is at risk / off track.
ON_TRACK_SLACK = 0.10
AT_RISK_SLACK = 0.25

# Grade boundaries on the ratio progress / pace (capped at 1).
GRADE_BOUNDARIES = [("A", 0.90), ("B", 0.80), ("C", 0.70), ("D", 0.60)]
FAILING_GRADE = "F"

# Initiatives in these states are shown but left out of every roll-up.
EXCLUDED_STATUSES = frozenset({InitiativeStatus.CANCELLED, InitiativeStatus.ON_HOLD})
# Initiatives in these states are not expected to post updates, so they are never stale.
NEVER_STALE_STATUSES = frozenset({InitiativeStatus.COMPLETED, InitiativeStatus.CANCELLED, InitiativeStatus.ON_HOLD})

# Initiatives in these states are never overdue: the work is done, or withdrawn. An initiative on
# hold past its target date IS overdue: pausing the work does not move the date the plan promised,
# and a council reader should see it among the late ones (it stays out of the roll-ups).
NEVER_OVERDUE_STATUSES = frozenset({InitiativeStatus.COMPLETED, InitiativeStatus.CANCELLED})

# A metric's reading is due this long after the end of the period following the latest one.
READING_GRACE_DAYS = 30
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


# A stored float is read back as the nearest fraction with at most this denominator (see above).
EXACT_DENOMINATOR = 10**6
# Closer to a line than this, a comparison is decided on the exact values (see `at_least`).
TIE_WINDOW = 1e-9

Number = int | float | Decimal | Fraction


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def exact(value: Number) -> Fraction:
    """The exact value a figure stands for: ints, Decimals and Fractions as they are; a float as
    the nearest fraction with a denominator of at most EXACT_DENOMINATOR (0.7 → 7/10, 0.8 − 0.1
    → 7/10, 5/9 stored as 0.5555555555555556 → 5/9). See the module docstring for why."""
    if isinstance(value, float):
        return Fraction(value).limit_denominator(EXACT_DENOMINATOR)
    return Fraction(value)


def at_least(value: Number, line: Number, *, times: Number = 1, minus: Number = 0) -> bool:
    """value ≥ times × line − minus, decided on the exact values: in floats when the two sides are
    more than TIE_WINDOW apart (float error cannot flip that), on `exact()` fractions otherwise."""
    gap = float(value) - (float(times) * float(line) - float(minus))
    if abs(gap) > TIE_WINDOW:
        return gap > 0
    return exact(value) >= exact(times) * exact(line) - exact(minus)


# --- The method, item by item ------------------------------------------------------------


def is_counted(status: str) -> bool:
    """Cancelled and on-hold initiatives are shown, not counted."""
    return status not in EXCLUDED_STATUSES


def initiative_progress(status: str, percent_complete: int) -> float:
    """percent_complete / 100; a completed initiative is 1 whatever its percentage says."""
    if status == InitiativeStatus.COMPLETED:
        return 1.0
    return clamp(percent_complete / 100)


def metric_attainment(baseline: float, target: float, latest: float | None) -> float | None:
    """clamp((latest − baseline) / (target − baseline), 0, 1); None without a reading.

    The same formula serves both directions: with a target below the baseline (lower is
    better) numerator and denominator are both negative when the metric improves.
    """
    if latest is None or target == baseline:
        return None
    # In Decimals: the differences are exact, the quotient good to 28 digits, and the clamp exact
    # (a reading on target is 1: equal numerator and denominator divide to exactly 1).
    low, high = _decimal(latest) - _decimal(baseline), _decimal(target) - _decimal(baseline)
    return float(clamp(low / high, Decimal(0), Decimal(1)))


def _decimal(value: int | float | Decimal) -> Decimal:
    """A reading as a Decimal: Decimals as stored, a float as the digits it prints (0.1 → 0.1)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def mean(values: Iterable[float | None]) -> float | None:
    """Plain mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of (value, weight) pairs, leaving out None values; None when no weight remains."""
    present = [(v, float(w)) for v, w in pairs if v is not None]
    total = sum(w for _, w in present)
    if not present or total == 0:
        return None
    return sum(v * w for v, w in present) / total


def objective_progress(metric_mean: float | None, initiative_mean: float | None, metric_share: float) -> float | None:
    """metric_share × M + (1 − metric_share) × I; when one side is None the other stands alone."""
    if metric_mean is None:
        return initiative_mean
    if initiative_mean is None:
        return metric_mean
    share = float(metric_share)
    return share * metric_mean + (1 - share) * initiative_mean


def pace(start: datetime.date | None, end: datetime.date | None, today: datetime.date) -> float | None:
    """The share of the window [start, end) that has elapsed by `today`, 0..1."""
    if start is None or end is None or end <= start:
        return None
    return clamp((today - start).days / (end - start).days)


def health(progress: Number | None, expected: Number | None) -> str:
    """on_track when progress ≥ pace − 0.10, at_risk when ≥ pace − 0.25, else off_track; completed
    at 1. Compared exactly: 0.70 against 0.80 is on track, 0.30 against 0.55 at risk."""
    if progress is None:
        return ""
    if at_least(progress, 1):
        return Health.COMPLETED
    if expected is None:
        return Health.ON_TRACK
    if at_least(progress, expected, minus=ON_TRACK_SLACK):
        return Health.ON_TRACK
    if at_least(progress, expected, minus=AT_RISK_SLACK):
        return Health.AT_RISK
    return Health.OFF_TRACK


def grade_ratio(progress: float | None, expected: float | None) -> float | None:
    """min(progress / pace, 1); 1 when pace is 0 (nothing was expected yet); None without progress.
    A float for showing and freezing: `grade` decides on the exact values."""
    if progress is None:
        return None
    if not expected:
        return 1.0
    return min(float(progress) / float(expected), 1.0)


def grade(progress: Number | None, expected: Number | None) -> str | None:
    """A ≥ 0.90, B ≥ 0.80, C ≥ 0.70, D ≥ 0.60, else F, on the ratio above, compared exactly
    (progress ≥ boundary × pace: 0.72 against 0.80 is an A); None means "not graded"."""
    if progress is None:
        return None
    for letter, boundary in GRADE_BOUNDARIES:
        if not expected or at_least(progress, expected, times=boundary):
            return letter
    return FAILING_GRADE


def is_stale(
    *,
    status: str,
    last_update_on: datetime.date | None,
    start_date: datetime.date | None,
    cadence_days: int,
    today: datetime.date,
) -> bool:
    """An initiative whose last status update is older than its update cadence.

    One that never had an update is measured from its start date (not yet started: not stale);
    completed, cancelled and on-hold initiatives are not expected to report.
    """
    if status in NEVER_STALE_STATUSES:
        return False
    reference = last_update_on or start_date
    if reference is None:
        return True
    return (today - reference).days > cadence_days


def is_overdue(*, status: str, target_date: datetime.date | None, today: datetime.date) -> bool:
    """An initiative whose target date has passed (it is before `today`) and that is not completed.

    `status` is the status as of `today` (for a past date, the one reported by then). Cancelled
    initiatives are not overdue; on-hold ones are (see NEVER_OVERDUE_STATUSES). Without a target
    date nothing is overdue. On its target date itself an initiative is due, not yet overdue.
    """
    return target_date is not None and target_date < today and status not in NEVER_OVERDUE_STATUSES


def milestone_is_overdue(*, due: datetime.date, done_on: datetime.date | None, today: datetime.date) -> bool:
    """A milestone whose due date has passed (before `today`) and that was not done by `today`."""
    return due < today and (done_on is None or done_on > today)


class ReportState:
    """Whether an item has reported for the period it owes now (see `owed_period`)."""

    REPORTED = "reported"
    DUE = "due"
    LATE = "late"
    NOT_OWED = ""
    LABELS = {REPORTED: "Reported", DUE: "Due", LATE: "Late", NOT_OWED: "Not owed"}


# Initiatives in these states owe no status updates: the roll-ups leave them out, or they are done.
NOT_REPORTING_STATUSES = NEVER_STALE_STATUSES


def owed_period(
    *,
    calendar: ReportingCalendar,
    reported_through: datetime.date | None,
    owes_from: datetime.date,
    today: datetime.date,
    closed_through: datetime.date | None = None,
) -> Period | None:
    """The period an item owes a report for now, or None when it owes nothing yet.

    The rule: the current period is the one an update made today reports for (the earliest whose
    due date is today or later; planboard.core.periods). The period before it is past its due
    date; if the item owed it (it had begun, `owes_from`, by that period's last day) and has not
    reported for it (`reported_through`, the last day of the latest period it reported for, is
    earlier), the item still owes that period, and is late. Otherwise it owes the current period,
    unless it begins after that period ends. Only the latest missed period counts: an item two
    periods behind is late once, not twice, and reporting for a later period clears the arrears.

    A closed period (`closed_through`: the last day of the plan's latest closed period) takes no
    more reports, so it is never owed: a missed period that has been closed stays missed in its
    snapshot and the tracker, and the item owes the current period; a closed current period
    leaves the item owing nothing until the next one.
    """
    current, previous = _owed_window(calendar, today)
    if closed_through is not None and current.ends_on <= closed_through:
        return None
    missed = reported_through is None or reported_through < previous.ends_on
    if owes_from <= previous.ends_on and missed and (closed_through is None or previous.ends_on > closed_through):
        return previous
    if owes_from > current.ends_on:
        return None
    return current


@functools.lru_cache(maxsize=64)
def _owed_window(calendar: ReportingCalendar, today: datetime.date) -> tuple[Period, Period]:
    """The current period on `today` and the one before it: the same for every item of a
    calendar, so a plan's recalculation works them out once, not once per item."""
    current = calendar.owed_on(today)
    return current, calendar.before(current)


def report_state(*, owed_period: Period | None, reported_through: datetime.date | None, today: datetime.date) -> str:
    """reported: the item has reported for the owed period (or a later one); late: the owed
    period's due date has passed with no report for it; due: not yet reported, not yet late;
    "" (not owed) without an owed period."""
    if owed_period is None:
        return ReportState.NOT_OWED
    if reported_through is not None and reported_through >= owed_period.ends_on:
        return ReportState.REPORTED
    if owed_period.due_on < today:
        return ReportState.LATE
    return ReportState.DUE


@dataclass(frozen=True)
class Reporting:
    """An item's cached reporting figures: due date of the period it owes, the last day of the
    latest period it reported for, and its state (ReportState)."""

    report_due_on: datetime.date | None
    reported_through: datetime.date | None
    report_state: str

    def as_tuple(self) -> tuple:
        return (self.report_due_on, self.reported_through, self.report_state)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, kept inside the month (Jan 31 + 1 month = Feb 28 or 29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reading_due_on(
    *, frequency: str, latest_period_end: datetime.date | None, baseline_date: datetime.date
) -> datetime.date:
    """The date by which the next reading should be in: the end of the next period plus a grace month."""
    next_period_end = add_months(latest_period_end or baseline_date, FREQUENCY_MONTHS.get(frequency, 3))
    return next_period_end + datetime.timedelta(days=READING_GRACE_DAYS)


# --- Windows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanWindow:
    start_fiscal_year: int
    end_fiscal_year: int
    start_month: int

    @property
    def start(self) -> datetime.date:
        return fiscal_year_start(self.start_fiscal_year, self.start_month)

    @property
    def end(self) -> datetime.date:
        """The first day after the plan (the window is half-open)."""
        return fiscal_year_start(self.end_fiscal_year + 1, self.start_month)

    def term_end(self, term: str) -> datetime.date:
        """Short term is the plan's first two fiscal years; long term is the whole plan."""
        if term == Term.SHORT:
            return fiscal_year_start(min(self.start_fiscal_year + 2, self.end_fiscal_year + 1), self.start_month)
        return self.end


# --- A whole plan ------------------------------------------------------------------------


@dataclass
class Figures:
    progress: float | None
    pace: float | None
    health: str
    stale_count: int = 0


@dataclass
class PlanInputs:
    """Everything the method needs about one plan, as plain rows (see recalculation.load_inputs)."""

    window: PlanWindow
    metric_share: float
    cadence_days: int
    goals: list[dict]  # id, weight
    objectives: list[dict]  # id, goal_id, weight, term
    metrics: list[dict]  # id, objective_id, baseline, target, baseline_date, target_date, latest_value
    initiatives: list[
        dict
    ]  # id, status, percent_complete, start_date, target_date, term, last_update_on, update_cadence_days
    supports: list[tuple[int, int]]  # (initiative_id, objective_id)
    # The plan's reporting periods (None: the figures of reporting are not computed) and whether
    # its items owe reports at all (an archived plan's do not). Initiatives may carry
    # `latest_period_end` (of the updates), metrics `frequency` and `latest_on` (of the readings).
    reporting: ReportingCalendar | None = None
    reports_owed: bool = True
    # The last day of the plan's latest closed reporting period (None: none is closed).
    closed_through: datetime.date | None = None


@dataclass
class PlanFigures:
    plan: Figures
    goals: dict[int, Figures] = field(default_factory=dict)
    objectives: dict[int, Figures] = field(default_factory=dict)
    metrics: dict[int, Figures] = field(default_factory=dict)
    initiatives: dict[int, Figures] = field(default_factory=dict)
    # Filled by planboard.core.reporting.plan_reporting (the recalculation asks for them).
    initiative_reporting: dict[int, Reporting] = field(default_factory=dict)
    metric_reporting: dict[int, Reporting] = field(default_factory=dict)


def compute_plan(inputs: PlanInputs, today: datetime.date) -> PlanFigures:
    """Apply the method to every node of a plan, bottom-up, in memory."""
    window = inputs.window
    plan_pace = pace(window.start, window.end, today)

    initiatives: dict[int, Figures] = {}
    counted: dict[int, float] = {}
    stale_ids: set[int] = set()
    for row in inputs.initiatives:
        value = initiative_progress(row["status"], row["percent_complete"])
        expected = pace(row["start_date"] or window.start, row["target_date"] or window.term_end(row["term"]), today)
        stale = is_stale(
            status=row["status"],
            last_update_on=row["last_update_on"],
            start_date=row["start_date"],
            cadence_days=row["update_cadence_days"] or inputs.cadence_days,
            today=today,
        )
        if stale:
            stale_ids.add(row["id"])
        if is_counted(row["status"]):
            counted[row["id"]] = value
        initiatives[row["id"]] = Figures(
            value, expected, health(value, expected) if is_counted(row["status"]) else "", int(stale)
        )

    metrics: dict[int, Figures] = {}
    metric_values: dict[int, list[float | None]] = defaultdict(list)
    for row in inputs.metrics:
        value = metric_attainment(row["baseline"], row["target"], row["latest_value"])
        expected = pace(row["baseline_date"], row["target_date"], today)
        metrics[row["id"]] = Figures(value, expected, health(value, expected))
        metric_values[row["objective_id"]].append(value)

    supporters: dict[int, list[int]] = defaultdict(list)
    for initiative_id, objective_id in inputs.supports:
        supporters[objective_id].append(initiative_id)

    objectives: dict[int, Figures] = {}
    goal_children: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
    goal_stale: dict[int, set[int]] = defaultdict(set)
    for row in inputs.objectives:
        initiative_mean = mean(counted.get(i) for i in supporters[row["id"]])
        value = objective_progress(mean(metric_values[row["id"]]), initiative_mean, inputs.metric_share)
        expected = pace(window.start, window.term_end(row["term"]), today)
        stale_here = {i for i in supporters[row["id"]] if i in stale_ids}
        objectives[row["id"]] = Figures(value, expected, health(value, expected), len(stale_here))
        goal_children[row["goal_id"]].append((value, row["weight"]))
        goal_stale[row["goal_id"]] |= stale_here

    goals: dict[int, Figures] = {}
    plan_children = []
    for row in inputs.goals:
        value = weighted_mean(goal_children[row["id"]])
        goals[row["id"]] = Figures(value, plan_pace, health(value, plan_pace), len(goal_stale[row["id"]]))
        plan_children.append((value, row["weight"]))

    plan_value = weighted_mean(plan_children)
    return PlanFigures(
        plan=Figures(plan_value, plan_pace, health(plan_value, plan_pace), len(stale_ids)),
        goals=goals,
        objectives=objectives,
        metrics=metrics,
        initiatives=initiatives,
    )
