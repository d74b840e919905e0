"""Roadmap geometry: a plan's initiatives on a fiscal-year timeline, grouped by theme.

The template `templates/initiatives/roadmap/_roadmap_svg.html` only draws what `roadmap(...)` returns, so
the screen and print look the same. Reading it:

- the time axis spans the plan's fiscal years (first day of the first to the last day of the
  last); a bar runs from an initiative's start date to its target date (its completion date
  when completed), clipped to the plan's years, and says so in its label when clipped;
- groups are the plan's themes in their order, then "No theme"; within a group, short-term
  initiatives come first, then long-term ones, each by start date and code;
- short-term bars are solid, long-term bars hatched, and the term is also written in the label
  (colour and pattern are never the only signal);
- milestones are diamonds on the bar's row: filled when done, hollow when open;
- an overdue initiative (planboard.core.progress.is_overdue: target date passed, not completed)
  has "⚠ overdue" written after its bar, and an overdue milestone (due date passed, not done) a
  "!" beside its diamond; both say so in their labels and in the table (never colour alone);
- initiatives without both dates cannot be placed; they are listed under the chart.

The same rows (`RoadmapRow`) fill the text alternative: a table with one row per initiative and
its milestones, and the SVG's `<title>` and `<desc>`.
"""

import datetime
from dataclasses import dataclass, field

from goals.models import Plan, Term
from planboard.core import progress
from planboard.core.charts import LinearScale, chart_id, clean_label
from planboard.core.fiscal import fiscal_year_end, fiscal_year_start

LABEL_WIDTH = 300
CHART_WIDTH = 960
ROW_HEIGHT = 22
BAR_HEIGHT = 12
GROUP_HEADER = 26
AXIS_HEIGHT = 30
NO_THEME = "No theme"
OVERDUE_MARK_WIDTH = 62  # "⚠ overdue" at 11 px, bold


@dataclass
class MilestoneMark:
    title: str
    due: datetime.date
    done: bool
    x: float
    mid_y: float = 0
    overdue: bool = False

    @property
    def points(self) -> str:
        """A diamond 12 wide and 14 tall centred on the due date."""
        x, y = self.x, self.mid_y
        return f"{x},{y - 7} {x + 6},{y} {x},{y + 7} {x - 6},{y}"


@dataclass
class RoadmapRow:
    code: str
    title: str
    term: str
    term_label: str
    department: str
    start: datetime.date
    end: datetime.date
    y: float
    x: float
    width: float
    clipped: bool
    url: str
    milestones: list[MilestoneMark] = field(default_factory=list)
    overdue: bool = False

    @property
    def label(self) -> str:
        clipped = " (runs beyond the plan's years)" if self.clipped else ""
        overdue = " · overdue: target date passed, not completed" if self.overdue else ""
        return clean_label(f"{self.code} {self.title} · {self.term_label}{clipped}{overdue}")

    @property
    def marker_x(self) -> float:
        """Where "⚠ overdue" is written: just after the bar's end (after a milestone's diamond and
        "!" drawn there), kept inside the chart."""
        end = self.x + self.width
        if any(m.x >= end - 8 for m in self.milestones):
            end = max(m.x for m in self.milestones) + 14
        return round(min(end + 4, CHART_WIDTH - OVERDUE_MARK_WIDTH), 2)

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def mid_y(self) -> float:
        return self.y + ROW_HEIGHT / 2

    @property
    def text_y(self) -> float:
        return self.mid_y + 4


@dataclass
class RoadmapGroup:
    theme: str
    y: float
    rows: list[RoadmapRow]

    @property
    def text_y(self) -> float:
        return self.y + 18


@dataclass
class YearTick:
    label: str
    x: float
    width: float

    @property
    def text_x(self) -> float:
        return self.x + 4


@dataclass
class Roadmap:
    id: str
    title: str
    width: int
    height: float
    label_width: int
    years: list[YearTick]
    groups: list[RoadmapGroup]
    unscheduled: list[dict]
    today_x: float | None

    @property
    def rows(self) -> list[RoadmapRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def description(self) -> str:
        """The `<desc>`: what the chart shows, in words; the table below it gives every row."""
        count = len(self.rows)
        years = f"FY{self.years[0].label[2:]}–FY{self.years[-1].label[2:]}" if self.years else ""
        return clean_label(
            f"{count} initiative{'s' if count != 1 else ''} on a timeline of fiscal years {years}, grouped by theme "
            f"({', '.join(g.theme for g in self.groups) or 'none'}). Solid bars are short term, hatched bars long "
            "term; filled diamonds are milestones done, hollow diamonds milestones still open. "
            f"{self.overdue_text}"
            "The table after the chart lists the same initiatives and milestones."
        )

    @property
    def overdue_text(self) -> str:
        """How many bars and milestones are overdue, as a sentence (empty when none)."""
        bars = sum(row.overdue for row in self.rows)
        marks = sum(m.overdue for row in self.rows for m in row.milestones)
        if not bars and not marks:
            return ""
        return (
            f"{bars} initiative{'s are' if bars != 1 else ' is'} overdue (marked ⚠ overdue) and "
            f"{marks} milestone{'s are' if marks != 1 else ' is'} past due (marked !). "
        )


def _bar_end(initiative) -> datetime.date | None:
    return initiative.completed_date or initiative.target_date


def roadmap(plan: Plan, initiatives, today: datetime.date, url_for=lambda i: "") -> Roadmap:
    """Lay out `initiatives` (with `theme`, `department` and `milestones` prefetched) on the plan's years.

    Pure geometry: no query beyond what `initiatives` already holds.
    """
    month = plan.fiscal_year_start_month
    start, end = fiscal_year_start(plan.start_fiscal_year, month), fiscal_year_end(plan.end_fiscal_year, month)
    scale = LinearScale(start.toordinal(), end.toordinal() + 1, LABEL_WIDTH, CHART_WIDTH)

    def x(day: datetime.date) -> float:
        clamped = min(max(day, start), end + datetime.timedelta(days=1))
        return round(scale(clamped.toordinal()), 2)

    years = []
    for year in plan.fiscal_years:
        left, right = x(fiscal_year_start(year, month)), x(fiscal_year_end(year, month) + datetime.timedelta(days=1))
        years.append(YearTick(f"FY{year}", left, round(right - left, 2)))

    themes: dict[str, tuple] = {}
    unscheduled = []
    for initiative in initiatives:
        finish = _bar_end(initiative)
        if initiative.start_date is None or finish is None:
            unscheduled.append({"code": initiative.code, "title": initiative.title, "url": url_for(initiative)})
            continue
        theme = initiative.theme
        key = theme.name if theme else NO_THEME
        themes.setdefault(key, ((theme.order, theme.name) if theme else (10**6, ""), []))[1].append(initiative)

    groups, y = [], AXIS_HEIGHT
    for name, (_order, members) in sorted(themes.items(), key=lambda item: item[1][0]):
        group = RoadmapGroup(name, y, [])
        y += GROUP_HEADER
        members.sort(key=lambda i: (i.term != Term.SHORT, i.start_date, i.code))
        for initiative in members:
            first, last = initiative.start_date, _bar_end(initiative)
            left, right = x(first), x(last + datetime.timedelta(days=1))
            row = RoadmapRow(
                code=initiative.code,
                title=initiative.title,
                term=initiative.term,
                term_label="short term" if initiative.term == Term.SHORT else "long term",
                department=initiative.department.name if initiative.department else "",
                start=first,
                end=last,
                y=y,
                x=left,
                width=max(round(right - left, 2), 2),
                clipped=first < start or last > end,
                url=url_for(initiative),
                overdue=progress.is_overdue(status=initiative.status, target_date=initiative.target_date, today=today),
            )
            # A completed or cancelled initiative's open milestone is history, not late.
            open_work = initiative.status not in progress.NEVER_OVERDUE_STATUSES
            row.milestones = [
                MilestoneMark(
                    clean_label(m.title),
                    m.due,
                    m.done_on is not None,
                    x(m.due),
                    row.mid_y,
                    overdue=open_work and progress.milestone_is_overdue(due=m.due, done_on=m.done_on, today=today),
                )
                for m in initiative.milestones.all()
                if start <= m.due <= end
            ]
            group.rows.append(row)
            y += ROW_HEIGHT
        groups.append(group)

    return Roadmap(
        id=chart_id("roadmap"),
        title=clean_label(f"Roadmap of {plan.title}"),
        width=CHART_WIDTH,
        height=y + 8,
        label_width=LABEL_WIDTH,
        years=years,
        groups=groups,
        unscheduled=unscheduled,
        today_x=x(today) if start <= today <= end else None,
    )
