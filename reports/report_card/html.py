"""How a report card is drawn: its frozen data (and the CIO's narrative) as one HTML document.

The same HTML is the browser preview and the PDF's source. It carries its print stylesheet
inline and its charts as inline SVG (geometry from planboard.core.charts, drawn by the shared
`includes/charts/` partials), so it needs no request, no static file server and no network.

Metric charts are the compact kind (templates/reports/report_card/metric_chart.html): a line
with no mark per reading, only the latest one marked, baseline and target kept, few ticks. The
browser pages keep the full chart of includes/charts/trend_chart.html. What is charted and
listed follows digest.py; cards frozen before those rules (schema 1) are shaped here the same way.

Everything that is formatting (percentages, dates) happens here; the template only lays it out.
The arithmetic in words is reports.explain's, the same sentences the explain page and the API
print, written from the frozen figures themselves: the card prints the figures the progress
method stored and never recomputes a mean or a blend.
"""

import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from goals.models import Health
from planboard.core import charts
from reports import explain
from reports.report_card import digest

TEMPLATE = "reports/report_card/document.html"
STYLESHEET = "reports/report_card.css"
HEALTH_LABELS = dict(Health.choices)
DATE_KEYS = ("_date", "_on", "_at", "_end", "_start", "_ends")
CHART_WIDTH, CHART_HEIGHT = 480, 132


def report_card_document(card) -> dict:
    """A ReportCard's frozen data plus what belongs to the card itself: revision, state, narrative."""
    return {
        **(card.data or {}),
        "card": {
            "id": card.pk,
            "revision": card.revision,
            "is_final": card.is_final,
            "status": card.status,
            "generated_at": card.generated_at.isoformat() if card.generated_at else None,
        },
        "narrative": {"summary": card.summary, "recommendations": card.recommendations},
    }


def pct(value: float | None) -> str:
    """0.7521 → "75.2%"; None → "not measured" (none never counts as zero)."""
    return "not measured" if value is None else f"{value * 100:.1f}%"


def _readable(node):
    """A copy of the frozen dict ready to draw: ISO dates and times read back as such, and every
    string rid of the control characters XML forbids (one would break the SVG and the PDF)."""
    if isinstance(node, list):
        return [_readable(item) for item in node]
    if isinstance(node, str):
        return charts.clean_label(node)
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if isinstance(value, str) and value and (key == "as_of" or key.endswith(DATE_KEYS)):
            try:
                value = (datetime.date if len(value) == 10 else datetime.datetime).fromisoformat(value)
            except ValueError:
                pass
        result[key] = _readable(value)
    return result


def _describe(node: dict, label: str = "") -> None:
    """Add the display strings and progress bar of one node's figures, in place."""
    node["progress_text"] = pct(node["progress"])
    node["progress_number"] = explain.number(node["progress"])  # the stored figure, as the arithmetic writes it
    node["pace_text"] = pct(node["pace"])
    node["health_label"] = HEALTH_LABELS.get(node["health"], "Not rated")
    node["grade_text"] = node["grade"] or "Not graded"
    node["grade_arithmetic"] = explain.grade_arithmetic(
        progress_value=node["progress"], pace=node["pace"], ratio=node["ratio"], grade=node["grade"]
    )
    node["bar"] = charts.progress_bar(node["progress"], node["pace"], node["health"], label)


def _metric_chart(metric: dict) -> charts.TrendChart:
    shown, count = len(metric["readings"]), metric.get("reading_count", len(metric["readings"]))
    note = (
        f"The line joins {shown} of its {count} readings, the last of each period; the latest is marked."
        if shown < count
        else "The latest reading is marked."
    )
    return charts.trend_chart(
        readings=[(r["period_end"], r["value"]) for r in metric["readings"]],
        baseline=metric["baseline"],
        baseline_date=metric["baseline_date"],
        target=metric["target"],
        target_date=metric["target_date"],
        unit=metric["unit"],
        title=metric["name"],
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        y_tick_count=3,
        max_x_ticks=5,
        note=note,
    )


def _upgrade(data: dict) -> None:
    """Shape a card frozen under schema 1 (every reading, whole lists) as digest.py does, in place."""
    if data.get("schema", 1) >= 2:
        return
    for goal in data["goals"]:
        for objective in goal["objectives"]:
            for metric in objective["metrics"]:
                metric["reading_count"] = len(metric["readings"])
            objective["metrics"] = digest.order_metrics(objective["metrics"])
            for metric in objective["metrics"]:
                metric["readings"] = digest.thin_readings(metric["readings"]) if metric["charted"] else []
        goal.update(digest.cap_lists({name: goal[name] for name in digest.ORDERS}))
    site = settings.SITE_URL
    data["links"] = {
        "site": site,
        "initiatives": f"{site}/plans/{data['plan']['slug']}/initiatives/",
        "goal": f"{site}/goals/",
        "api": f"{site}/api/v1/",
    }


def _describe_metric(metric: dict) -> None:
    unit = f" {metric['unit']}" if metric["unit"] else ""
    metric["attainment_text"] = pct(metric["progress"])
    metric["pace_text"] = pct(metric["pace"])
    metric["health_label"] = HEALTH_LABELS.get(metric["health"], "Not rated")
    metric["target_text"] = f"{charts.format_number(metric['target'])}{unit}"
    if metric["latest"]:
        metric["latest_text"] = f"{charts.format_number(metric['latest']['value'])}{unit}"
    if metric["charted"]:
        metric["chart"] = _metric_chart(metric)


def _metric_groups(objective: dict) -> None:
    """Split an objective's metrics into charted, listed one per line, and only counted; tally
    all of them by health ("12 on track, 3 at risk"), so the counts cover every metric."""
    metrics = objective["metrics"]
    objective["charted_metrics"] = [m for m in metrics if m["charted"]]
    objective["other_metrics"] = [m for m in metrics if not m["charted"] and m.get("listed", True)]
    objective["others_count"] = len(metrics) - len(objective["charted_metrics"])
    objective["unlisted_count"] = objective["others_count"] - len(objective["other_metrics"])
    tally: dict[str, int] = {}
    for metric in metrics:
        label = metric["health_label"].lower() if metric["progress"] is not None else "not measured"
        tally[label] = tally.get(label, 0) + 1
    order = [label.lower() for label in HEALTH_LABELS.values()] + ["not rated", "not measured"]
    objective["metric_tally"] = ", ".join(
        f"{tally[label]} {label}" for label in sorted(tally, key=lambda x: order.index(x) if x in order else len(order))
    )


def _goal_lists(goal: dict, links: dict) -> None:
    """Each capped initiative list of a goal as {items, count, more, url} for the template."""
    base = f"{links['initiatives']}?goal={goal['id']}"
    urls = {
        "completed": f"{base}&health=completed",
        "needs_attention": f"{base}&health=off_track",
        "stale": f"{base}&stale=yes",
    }
    goal["lists"] = {
        name: {
            "items": goal[name],
            "count": goal[f"{name}_count"],
            "more": goal[f"{name}_count"] - len(goal[name]),
            "url": urls[name],
        }
        for name in digest.ORDERS
    }
    goal["lists"]["needs_attention"]["also_url"] = f"{base}&health=at_risk"


def _context(document: dict) -> dict:
    data = _readable(document)
    _upgrade(data)
    share = data["method"]["metric_share"]
    _describe(data["overall"], data["plan"]["title"])
    for goal in data["goals"]:
        _describe(goal, f"Goal {goal['number']}")
        goal["weight_text"] = f"{goal['weight']:g}"
        goal["arithmetic"] = explain.weighted_arithmetic(goal["objectives"])
        for objective in goal["objectives"]:
            _describe(objective, f"Objective {objective['code']}")
            objective["weight_text"] = f"{objective['weight']:g}"
            objective["arithmetic"] = explain.objective_arithmetic(
                metric_share=share,
                metric_mean=objective["metric_mean"],
                initiative_mean=objective["initiative_mean"],
                result=objective["progress"],
            )
            for metric in objective["metrics"]:
                _describe_metric(metric)
            _metric_groups(objective)
        _goal_lists(goal, data["links"])
    data["overall"]["arithmetic"] = explain.weighted_arithmetic(data["goals"])
    method = data["method"]
    method["boundaries"] = [{"grade": letter, "ratio": f"{bound:.2f}"} for letter, bound in method["grade_boundaries"]]
    method["share_text"], method["initiative_share"] = f"{share:g}", f"{1 - share:g}"
    method["on_track_text"] = f"{method['on_track_slack']:.2f}"
    method["at_risk_text"] = f"{method['at_risk_slack']:.2f}"
    year = data["fiscal_year"]
    title = f"{data['plan']['title']}: report card for fiscal year {year}"
    return {
        "d": data,
        "title": title,
        "city": data["city"],
        "plan": data["plan"],
        "year": year,
        "card": data.get("card", {}),
        "narrative": data.get("narrative", {}),
        "is_draft": not data.get("card", {}).get("is_final", False),
        "running_title": f"{data['city']} · {data['plan']['title']} · FY{year} report card",
        "css": _stylesheet(),
        "list_cap": digest.INITIATIVES_PER_LIST,
        "chart_cap": digest.METRIC_CHARTS_PER_OBJECTIVE,
        "row_cap": digest.METRIC_ROWS_PER_OBJECTIVE,
    }


def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"The report card stylesheet static/{STYLESHEET} is missing.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def report_card_html(document: dict) -> str:
    """The report card as one self-contained HTML document (the preview, and the PDF's source).

    `document` is report_card_data's dict, optionally with the `card` and `narrative` keys that
    report_card_document adds.
    """
    return render_to_string(TEMPLATE, _context(document))
