"""The demo's made-up past: metric readings and initiative status updates, as plain values.

Pure functions, no database: the loader feeds what they return to the same services the browser
uses. Everything is deterministic (seeded by the metric's name), so two loads on the same day
produce the same figures.
"""

import datetime
import random
from decimal import Decimal

from planboard.core.fiscal import fiscal_year_end, fiscal_year_of

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
MAX_UPDATES = 4


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def period_ends(*, frequency: str, start_month: int, after: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Last days of the reporting periods that end after `after` and on or before `until`.

    Periods are counted from the start of the fiscal year, so with a July start the quarters end
    on 30 September, 31 December, 31 March and 30 June, and a yearly figure is due on 30 June.
    """
    step = MONTHS_PER_PERIOD[frequency]
    year_end = fiscal_year_end(fiscal_year_of(after, start_month), start_month)
    # The fiscal year's last month closes a period of every frequency; step back to just before `after`.
    months = year_end.year * 12 + year_end.month - 1
    while months - step >= after.year * 12 + after.month - 1:
        months -= step
    ends = []
    while True:
        end = _month_end(months // 12, months % 12 + 1)
        if end > until:
            return ends
        if end > after:
            ends.append(end)
        months += step


def reading_values(
    metric: dict, period_ends: list[datetime.date], *, baseline_date: datetime.date, target_date: datetime.date
) -> list[Decimal]:
    """One value per period, moving from the baseline toward the target at the metric's `speed`.

    `speed` is the share of the gap closed by the target date (1.0 arrives on time, 0.5 gets half
    way); after the target date a metric keeps creeping on, slowly. A little seeded noise keeps the
    line from looking drawn with a ruler.
    """
    baseline, target = Decimal(metric["baseline"]), Decimal(metric["target"])
    speed, places = metric["speed"], metric["places"]
    span = (target_date - baseline_date).days
    noise = random.Random(metric["name"])
    low, high = min(baseline, target), max(baseline, target)
    if metric["unit"] == "%":
        low, high = max(low - (high - low), Decimal(0)), min(high + (high - low), Decimal(100))
    values = []
    for end in period_ends:
        elapsed = (end - baseline_date).days / span
        share = speed * elapsed if elapsed <= 1 else speed + 0.1 * (elapsed - 1)
        share = min(share, 1.0) + noise.uniform(-0.025, 0.025)
        value = baseline + (target - baseline) * Decimal(str(round(share, 4)))
        value = min(max(value, low), high)
        values.append(value.quantize(Decimal(1).scaleb(-places)))
    return values


NARRATIVES = {
    "kickoff": "Kick-off held; scope, schedule and budget baselined with the sponsor.",
    "on_track": [
        "Work is on schedule; {percent}% complete and no risks above medium.",
        "Phase deliverables accepted; {percent}% complete.",
        "Steady progress this period; {percent}% complete, spend in line with budget.",
    ],
    "at_risk": "Schedule pressure: a key resource is shared with another project; recovery plan agreed.",
    "off_track": "Behind schedule and over the contingency; escalated to the steering committee.",
    "on_hold": "Paused at the sponsor's request.",
    "not_started": "Scoped and waiting for its start date.",
}


def update_series(
    *, start: datetime.date, last: datetime.date, status: str, percent: int, note: str, max_updates: int = MAX_UPDATES
) -> list[dict]:
    """The status updates that lead an initiative from its start to where it stands at `last`.

    Roughly one update a quarter (at most `max_updates`), the first a month after the start and
    the newest on `last` carrying the final status, percent and `note`. Earlier updates climb
    toward the final percent; the one before a bad final status already warns of it.
    """
    first = start + datetime.timedelta(days=30)
    if status == "not_started" or last <= first:
        return [{"as_of": last, "status": status, "percent_complete": percent, "narrative": note}]
    count = max(1, min(max_updates, (last - first).days // 91 + 1))
    updates = []
    for step in range(1, count):
        as_of = first + (last - first) * (step - 1) / (count - 1)
        climbed = max(1, round(min(percent, 95) * step / count))
        updates.append(
            {
                "as_of": as_of,
                "status": "on_track",
                "percent_complete": climbed,
                "narrative": NARRATIVES["on_track"][step % 3].format(percent=climbed),
            }
        )
    if updates:
        updates[0]["narrative"] = NARRATIVES["kickoff"]
        warning = {"off_track": "at_risk", "cancelled": "on_hold"}.get(status)
        if warning:
            updates[-1].update(status=warning, narrative=NARRATIVES[warning])
    updates.append({"as_of": last, "status": status, "percent_complete": percent, "narrative": note})
    return updates
