"""How much of a plan the printed report card shows, whatever the size of the city.

A council member reads the card; the browser, the API and the export hold everything. So the
card keeps every figure and every count exact, but draws and lists only what a reader acts on:

- Metric charts: per objective, at most METRIC_CHARTS_PER_OBJECTIVE metrics are drawn, those
  furthest behind pace (pace − attainment, largest first; metrics without a reading are never
  drawn). Of the others, at most METRIC_ROWS_PER_OBJECTIVE are written one line each (latest
  reading, target, attainment, health), furthest behind pace first; the rest are counted, and
  every metric's attainment is still in the appendix, so each objective's M can be redone. The
  objective's metrics are also tallied by health, so the counts cover all of them.
- A chart's line joins at most MAX_CHART_POINTS readings: every reading when there are that few,
  otherwise the last reading of each calendar quarter (or half-year, year, two years, ... when
  the history is longer), so the whole history is covered and the latest reading is always in.
- Initiative lists of a goal (completed this year, at risk or off track, stale): the
  INITIATIVES_PER_LIST most urgent, with the exact count of the rest ("and N more").

These rules shape the data when it is collected (data.py), so the frozen JSON carries only
what the card draws; html.py applies the same rules to cards frozen before they existed.
"""

import datetime
from collections.abc import Iterable

METRIC_CHARTS_PER_OBJECTIVE = 3
METRIC_ROWS_PER_OBJECTIVE = 12
MAX_CHART_POINTS = 24
INITIATIVES_PER_LIST = 10
# Bucket sizes in months, tried in order until the history fits in MAX_CHART_POINTS buckets.
_BUCKET_MONTHS = (3, 6, 12, 24, 60, 120)


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
