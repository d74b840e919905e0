"""Chart geometry for the server-side SVG charts: scales, points, paths, ticks and text alternatives.

The templates under `templates/includes/charts/` only draw what these functions return, so the
same figures look the same in the browser and in the report card PDF (WeasyPrint). Every
function takes plain numbers, dates and strings (not model rows), so a report card can draw from
its frozen data as well as a page from the database.

How to draw one (page or report card):

    {% load planboard_ui %}
    {% progress_bar progress pace health label %}          includes/charts/progress_bar.html
    {% sparkline series label %}                           includes/charts/sparkline.html
    {% include "includes/charts/trend_chart.html" with chart=chart %}   chart = trend_chart(...)

Each chart carries a `<title>`, a `<desc>` and a text `summary`; colours are never the only
signal (the health is also written out). Labels pass through `clean_label`, which removes the
control characters XML does not allow (an SVG with one is not well-formed, and the PDF fails).
"""

import datetime
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from planboard.core import display
from planboard.core.choices import Health

# Characters XML 1.0 forbids even when escaped: C0 controls except tab/newline/return, lone
# surrogates, and the two non-characters U+FFFE/U+FFFF.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Fills by health, chosen for at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
HEALTH_COLOURS = {
    Health.ON_TRACK: "#1a7f37",
    Health.AT_RISK: "#9a6700",
    Health.OFF_TRACK: "#cf222e",
    Health.COMPLETED: "#0969da",
    "": "#6e7781",
}
HEALTH_LABELS = dict(Health.choices)

_ids = itertools.count(1)


def clean_label(text: object) -> str:
    """`text` as a string safe inside SVG/XML: forbidden control characters removed, whitespace kept."""
    return _XML_INVALID.sub("", "" if text is None else str(text))


def chart_id(prefix: str) -> str:
    """A page-unique id for a chart's title and description (aria-labelledby needs one)."""
    return f"{prefix}-{next(_ids)}"


def percent_text(value: float | None) -> str:
    """0.624 → "62%", 0.625 → "63%" (half up); None → "no figure" (none never counts as zero)."""
    return display.percent_shown(value)


def health_text(health: str) -> str:
    return HEALTH_LABELS.get(health, "not rated")


@dataclass(frozen=True)
class LinearScale:
    """Maps a domain interval onto a range of drawing units (a reversed range flips the axis)."""

    domain_min: float
    domain_max: float
    range_min: float
    range_max: float

    def __call__(self, value: float) -> float:
        span = self.domain_max - self.domain_min
        share = 0.5 if span == 0 else (float(value) - self.domain_min) / span
        return round(self.range_min + share * (self.range_max - self.range_min), 2)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], about `count` of them, steps of 1, 2 or 5 × 10^n."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def format_number(value: float | Decimal) -> str:
    """Up to two decimals (half up), no trailing zeros: 12.50 → "12.5", 3.0 → "3"."""
    return display.number_shown(value)


def line_path(points: Sequence[tuple[float, float]]) -> str:
    """An SVG path through `points` ("M x y L x y ...")."""
    return " ".join(f"{'M' if i == 0 else 'L'}{x:g} {y:g}" for i, (x, y) in enumerate(points))


# --- Progress bar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressBar:
    """A bar 0..100 wide: the filled part is progress, the marker is pace (expected by now)."""

    id: str
    label: str
    fill_width: float
    pace_x: float | None
    colour: str
    progress_text: str
    pace_text: str
    health_text: str
    summary: str


def progress_bar(progress: float | None, pace: float | None, health: str = "", label: str = "") -> ProgressBar:
    """Geometry of a progress bar with a pace marker; the drawing is 100 units wide."""
    fill = 0.0 if progress is None else round(max(0.0, min(1.0, progress)) * 100, 2)
    pace_x = None if pace is None else round(max(0.0, min(1.0, pace)) * 100, 2)
    label = clean_label(label)
    summary = "no figure yet" if progress is None else f"{percent_text(progress)} complete"
    if pace is not None:
        summary += f" against {percent_text(pace)} expected by now"
    summary += f"; {health_text(health).lower()}"
    return ProgressBar(
        id=chart_id("bar"),
        label=label,
        fill_width=fill,
        pace_x=pace_x,
        colour=HEALTH_COLOURS.get(health, "#6e7781"),
        progress_text=percent_text(progress),
        pace_text=percent_text(pace),
        health_text=health_text(health),
        summary=f"{label}: {summary}" if label else summary.capitalize(),
    )


# --- Sparkline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sparkline:
    """A small trend line of progress over time; `points` is empty when there is no history."""

    id: str
    label: str
    width: int
    height: int
    path: str
    points: list[tuple[float, float]]
    last: tuple[float, float] | None
    summary: str


def sparkline(
    series: Sequence[tuple[datetime.date, float | None]], label: str = "", width: int = 120, height: int = 32
) -> Sparkline:
    """Geometry of a progress trend (values 0..1 by date) in a `width` × `height` box.

    Days without a figure are left out; the vertical scale is fixed 0..100% so two sparklines
    side by side compare honestly.
    """
    label = clean_label(label)
    present = sorted((day, value) for day, value in series if value is not None)
    if not present:
        return Sparkline(chart_id("spark"), label, width, height, "", [], None, f"{label}: no history yet".strip(": "))
    first_day, last_day = present[0][0], present[-1][0]
    pad = 3
    x = LinearScale(first_day.toordinal(), last_day.toordinal(), pad, width - pad)
    y = LinearScale(0, 1, height - pad, pad)
    points = [(x(day.toordinal()), y(max(0.0, min(1.0, value)))) for day, value in present]
    if len(points) == 1:
        points = [(pad, points[0][1]), (width - pad, points[0][1])]
    summary = (
        f"{percent_text(present[0][1])} on {first_day:%Y-%m-%d}, {percent_text(present[-1][1])} on {last_day:%Y-%m-%d}"
        if len(present) > 1
        else f"{percent_text(present[0][1])} on {first_day:%Y-%m-%d} (one day of history)"
    )
    return Sparkline(
        chart_id("spark"),
        label,
        width,
        height,
        line_path(points),
        points,
        points[-1],
        f"{label} trend: {summary}" if label else f"Trend: {summary}",
    )


# --- Metric trend chart ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: datetime.date
    value_text: str


@dataclass
class TrendChart:
    """A metric's readings over time with its baseline and target drawn as reference lines."""

    id: str
    title: str
    desc: str
    unit: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    path: str = ""
    points: list[ChartPoint] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    baseline_y: float = 0.0
    baseline_text: str = ""
    target_y: float = 0.0
    target_text: str = ""
    target_x: float = 0.0

    @property
    def y_label_x(self) -> float:
        return self.left - 6

    @property
    def tick_end_y(self) -> float:
        return self.bottom + 4

    @property
    def x_label_y(self) -> float:
        return self.bottom + 18

    @property
    def latest(self) -> ChartPoint | None:
        """The latest reading's point (the one a compact chart marks), or None without readings."""
        return self.points[-1] if self.points else None


def trend_chart(
    *,
    readings: Sequence[tuple[datetime.date, float | Decimal]],
    baseline: float | Decimal,
    baseline_date: datetime.date,
    target: float | Decimal,
    target_date: datetime.date,
    unit: str = "",
    title: str = "",
    width: int = 640,
    height: int = 260,
    y_tick_count: int = 5,
    max_x_ticks: int = 6,
    note: str = "",
) -> TrendChart:
    """Geometry of a metric trend chart: readings as a line, baseline and target as dashed lines.

    The time axis runs from the baseline date to the later of the target date and the last
    reading, so a reader sees how much of the window is left. A compact chart (the report card's)
    asks for fewer ticks; `note` is added to the description, e.g. to say the readings were thinned.
    """
    title, unit = clean_label(title), clean_label(unit)
    ordered = sorted((day, float(value)) for day, value in readings)
    chart = TrendChart(
        chart_id("trend"), title, "", unit, width, height, left=56, top=16, right=width - 16, bottom=height - 36
    )
    values = [value for _, value in ordered] + [float(baseline), float(target)]
    y_ticks = nice_ticks(min(values), max(values), y_tick_count)
    y = LinearScale(y_ticks[0], y_ticks[-1], chart.bottom, chart.top)
    start = min([baseline_date] + [day for day, _ in ordered])
    end = max([target_date] + [day for day, _ in ordered])
    x = LinearScale(start.toordinal(), end.toordinal(), chart.left, chart.right)

    chart.y_ticks = [Tick(y(value), format_number(value)) for value in y_ticks]
    years = range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    step = max(1, math.ceil(len(years) / max_x_ticks))
    chart.x_ticks = [Tick(x(datetime.date(year, 1, 1).toordinal()), str(year)) for year in list(years)[::step]]
    chart.baseline_y, chart.target_y = y(float(baseline)), y(float(target))
    chart.target_x = x(target_date.toordinal())
    suffix = f" {unit}" if unit else ""
    chart.baseline_text = f"Baseline {format_number(baseline)}{suffix} ({baseline_date:%Y-%m-%d})"
    chart.target_text = f"Target {format_number(target)}{suffix} by {target_date:%Y-%m-%d}"
    chart.points = [
        ChartPoint(x(day.toordinal()), y(value), day, f"{format_number(value)}{suffix}") for day, value in ordered
    ]
    chart.path = line_path([(p.x, p.y) for p in chart.points])
    if ordered:
        latest_day, latest = ordered[-1]
        readings_text = (
            f"{len(ordered)} reading{'s' if len(ordered) != 1 else ''} from {ordered[0][0]:%Y-%m-%d} to "
            f"{latest_day:%Y-%m-%d}; latest {format_number(latest)}{suffix}."
        )
    else:
        readings_text = "No readings yet."
    chart.desc = f"{chart.baseline_text}; {chart.target_text}. {readings_text}"
    if note:
        chart.desc += f" {clean_label(note)}"
    return chart
