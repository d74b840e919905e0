"""How much of a plan the printed report card shows, whatever the size of the city.

A council member reads the card; the browser, the API and the export hold everything. So the
card keeps every figure and every count exact, but draws and lists only what a reader acts on,
and every list it draws has a cap, so the card's length does not grow with the plan:

- Goals: the "at a glance" table has a row for at most GOALS_AT_A_GLANCE goals and at most
  GOAL_SECTIONS goals have a section of their own; when a plan has more, those furthest behind
  pace (pace − progress, largest first) are shown, in goal order, and the others are counted.
- Objectives, per goal section: the OBJECTIVES_IN_DETAIL furthest behind pace are drawn (figures,
  bar, charts, metric rows), the next OBJECTIVE_LINES are written one line each, the rest counted.
- Metric charts, per objective drawn: at most METRIC_CHARTS_PER_OBJECTIVE metrics, those furthest
  behind pace (pace − attainment; metrics without a reading are never drawn). Of the others, at
  most METRIC_ROWS_PER_OBJECTIVE are written one line each (latest reading, target, attainment,
  health), furthest behind pace first; the rest are counted, and all are tallied by health.
- A chart's line joins at most MAX_CHART_POINTS readings: every reading when there are that few,
  otherwise the last reading of each calendar quarter (or half-year, year, two years, ... when
  the history is longer), so the whole history is covered and the latest reading is always in.
- Initiative lists of a goal (completed this year, at risk or off track, stale): the
  INITIATIVES_PER_LIST most urgent, with the exact count of the rest ("and N more").
- The appendix writes out the inputs of each figure when there are few enough: a plan's goals
  (at most GOALS_AT_A_GLANCE), a goal's objectives (when its section shows all), an objective's
  metrics (when all are drawn) and supporting initiatives (at most INITIATIVES_PER_OBJECTIVE);
  beyond that it gives the mean and the count, and the explanation page that lists every input.
- Overdue initiatives (target date passed, not completed, as of the card's date): counted for
  the plan and per goal, the OVERDUE_LISTED longest overdue listed plan-wide.
- Plan-wide, the appendix lists the METRICS_BEHIND metrics and the INITIATIVES_BEHIND
  initiatives (at risk or off track) furthest behind pace, the DEPARTMENT_PLANS department plans
  (by title) and the EXCEPTIONS IT requests approved with a CIO exception, each with its exact count.

The caps are chosen so that the demo plans (Phoenix: 6 goals, 17 objectives, 26 metrics, 33
initiatives; Aurora: 58 initiatives) lose nothing they showed before, and so that a plan of 60
initiatives has each of them written out; the card prints its caps where it applies them.

These rules shape the data when it is collected (data.py, sections.py), so the frozen JSON
carries only what the card draws; html.py applies the same rules to cards frozen before them.
"""

import datetime
import heapq
from collections.abc import Callable, Iterable

METRIC_CHARTS_PER_OBJECTIVE = 2
METRIC_ROWS_PER_OBJECTIVE = 8
MAX_CHART_POINTS = 24
INITIATIVES_PER_LIST = 10
GOALS_AT_A_GLANCE = 30
GOAL_SECTIONS = 8
OBJECTIVES_IN_DETAIL = 3
OBJECTIVE_LINES = 8
INITIATIVES_PER_OBJECTIVE = 60
METRICS_BEHIND = 30
INITIATIVES_BEHIND = 60
DEPARTMENT_PLANS = 30
EXCEPTIONS = 10
OVERDUE_LISTED = 20
# Bucket sizes in months, tried in order until the history fits in MAX_CHART_POINTS buckets.
_BUCKET_MONTHS = (3, 6, 12, 24, 60, 120)


def caps() -> dict[str, int]:
    """The caps, frozen with each card so that its sentences name the caps it was drawn with."""
    return {
        "metric_charts": METRIC_CHARTS_PER_OBJECTIVE,
        "metric_rows": METRIC_ROWS_PER_OBJECTIVE,
        "initiatives_per_list": INITIATIVES_PER_LIST,
        "goals_at_a_glance": GOALS_AT_A_GLANCE,
        "goal_sections": GOAL_SECTIONS,
        "objectives_in_detail": OBJECTIVES_IN_DETAIL,
        "objective_lines": OBJECTIVE_LINES,
        "initiatives_per_objective": INITIATIVES_PER_OBJECTIVE,
        "metrics_behind": METRICS_BEHIND,
        "initiatives_behind": INITIATIVES_BEHIND,
        "department_plans": DEPARTMENT_PLANS,
        "exceptions": EXCEPTIONS,
        "overdue": OVERDUE_LISTED,
    }


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def thin_readings(readings: list[dict]) -> list[dict]:
    """At most MAX_CHART_POINTS of `readings` (ordered by period_end): the last of each bucket.

    Readings are {"period_end": date or ISO string, "value": number}; the result keeps them as given.
    """
    if len(readings) <= MAX_CHART_POINTS:
        return list(readings)
    months = [(_day(r["period_end"]).year * 12 + _day(r["period_end"]).month - 1) for r in readings]
    for size in _BUCKET_MONTHS:
        buckets = {month // size for month in months}
        if len(buckets) <= MAX_CHART_POINTS:
            break
    last_of_bucket: dict[int, dict] = {}
    for month, reading in zip(months, readings, strict=True):
        last_of_bucket[month // size] = reading  # later readings overwrite earlier ones
    return [last_of_bucket[key] for key in sorted(last_of_bucket)][-MAX_CHART_POINTS:]


def behind_pace(figure: dict) -> float:
    """How far a node is behind its pace (pace − progress); no figure sorts as least urgent."""
    if figure.get("progress") is None:
        return float("-inf")
    return (figure.get("pace") or 0.0) - figure["progress"]


def furthest_behind(items: Iterable, limit: int, *, figure: Callable, name: Callable) -> list:
    """The `limit` items furthest behind pace (no figure last, then by `name`), most urgent first.

    `figure(item)` gives the item's {"progress", "pace"}; heapq keeps it O(n log limit), so the
    whole plan's metrics can be ranked without sorting them all.
    """
    return heapq.nsmallest(limit, items, key=lambda item: (-behind_pace(figure(item)), name(item)))


def shown_in_order(items: list, limit: int, *, figure: Callable, name: Callable) -> list:
    """All of `items` when there are at most `limit`; otherwise the `limit` furthest behind pace,
    kept in the order given (goal order, code order)."""
    if len(items) <= limit:
        return list(items)
    chosen = {id(item) for item in furthest_behind(items, limit, figure=figure, name=name)}
    return [item for item in items if id(item) in chosen]


def split_objectives(objectives: list[dict]) -> tuple[list[dict], list[dict]]:
    """A goal's objectives (dicts in code order) drawn in detail and written one line each: the
    OBJECTIVES_IN_DETAIL furthest behind pace, then the next OBJECTIVE_LINES, each kept in code order."""
    ranked = furthest_behind(
        objectives, OBJECTIVES_IN_DETAIL + OBJECTIVE_LINES, figure=lambda o: o, name=lambda o: o["code"]
    )
    detail = {id(o) for o in ranked[:OBJECTIVES_IN_DETAIL]}
    lines = {id(o) for o in ranked[OBJECTIVES_IN_DETAIL:]}
    return [o for o in objectives if id(o) in detail], [o for o in objectives if id(o) in lines]


def order_metrics(metrics: Iterable[dict]) -> list[dict]:
    """An objective's metrics, furthest behind pace first (no figure last, then by name), each
    marked `charted` (the first METRIC_CHARTS_PER_OBJECTIVE with a reading) and `listed` (the
    next METRIC_ROWS_PER_OBJECTIVE); the charted ones come first."""
    ordered = sorted(metrics, key=lambda m: (-behind_pace(m), m["name"]))
    charted = [m for m in ordered if m.get("latest")][:METRIC_CHARTS_PER_OBJECTIVE]
    rest = [m for m in ordered if not any(m is c for c in charted)]
    for metric in charted:
        metric["charted"], metric["listed"] = True, False
    for position, metric in enumerate(rest):
        metric["charted"], metric["listed"] = False, position < METRIC_ROWS_PER_OBJECTIVE
    return charted + rest


def _completed_order(item: dict):
    return (-_day(item["completed_date"]).toordinal(), item["code"])


def _attention_order(item: dict):
    return (item["health"] != "off_track", -behind_pace(item), item["code"])


def _stale_order(item: dict):
    last = item.get("last_update_on")
    return (last is not None, _day(last).toordinal() if last else 0, item["code"])


ORDERS = {"completed": _completed_order, "needs_attention": _attention_order, "stale": _stale_order}


def cap_lists(lists: dict[str, list[dict]]) -> dict:
    """Each list most urgent first, cut to INITIATIVES_PER_LIST, beside its exact `<name>_count`.

    Most urgent: completed most recently; off track before at risk, then furthest behind pace;
    stale with the oldest (or no) update first.
    """
    result = {}
    for name, items in lists.items():
        result[name] = sorted(items, key=ORDERS[name])[:INITIATIVES_PER_LIST]
        result[f"{name}_count"] = len(items)
    return result


def most_urgent(items: Iterable[dict], limit: int) -> list[dict]:
    """The `limit` initiatives at risk or off track most urgent by the list's own order (off
    track first, then furthest behind pace)."""
    return heapq.nsmallest(limit, items, key=_attention_order)
