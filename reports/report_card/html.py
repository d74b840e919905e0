"""How a report card is drawn: its frozen data (and the CIO's narrative) as one HTML document.

The same HTML is the browser preview and the PDF's source. It carries its print stylesheet
inline and its charts as inline SVG (geometry from planboard.core.charts, drawn by the shared
`includes/charts/` partials), so it needs no request, no static file server and no network.

Metric charts are the compact kind (templates/reports/report_card/metric_chart.html): a line
with no mark per reading, only the latest one marked, baseline and target kept, few ticks. The
browser pages keep the full chart of includes/charts/trend_chart.html. What is charted and
listed follows digest.py; cards frozen before those rules (schemas 1 and 2) are first shaped the
same way by upgrade.py.

Everything that is formatting (percentages, dates) happens here; the template only lays it out.
The arithmetic in words is reports.explain's, the same sentences the explain page and the API
print, written from the frozen figures themselves: the card prints the figures the progress
method stored and never recomputes a mean or a blend.
"""

import datetime

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from goals.models import Health
from planboard.core import charts, display
from reports import explain
from reports.report_card import digest
from reports.report_card.sections import UNMEASURED
from reports.report_card.upgrade import upgrade

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
    """0.7521 → "75.2%", 0.7525 → "75.3%" (half up, planboard.core.display); None → "not measured"
    (none never counts as zero)."""
    return display.percent_shown(value, 1, none="not measured")


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


def _describe_metric(metric: dict) -> None:
    unit = f" {metric['unit']}" if metric["unit"] else ""
    metric["attainment_text"] = pct(metric["progress"])
    metric["pace_text"] = pct(metric["pace"])
    metric["health_label"] = HEALTH_LABELS.get(metric["health"], "Not rated")
    metric["target_text"] = f"{charts.format_number(metric['target'])}{unit}"
    if metric["latest"]:
        metric["latest_text"] = f"{charts.format_number(metric['latest']['value'])}{unit}"
    if metric.get("charted"):
        metric["chart"] = _metric_chart(metric)


def tally_text(tally: dict[str, int]) -> str:
    """{"on_track": 12, "at_risk": 3} → "12 on track, 3 at risk", in the order of the health scale."""
    labels = {
        **{value: label.lower() for value, label in HEALTH_LABELS.items()},
        "": "not rated",
        UNMEASURED: "not measured",
    }
    order = list(labels)
    parts = sorted(tally.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return ", ".join(f"{count} {labels.get(health, health)}" for health, count in parts if count)


def _metric_groups(objective: dict) -> None:
    """Split an objective's shown metrics into charted and listed one per line; count the rest
    and tally all of its metrics by health ("12 on track, 3 at risk"), from the frozen counts."""
    metrics = objective["metrics"]
    objective["charted_metrics"] = [m for m in metrics if m["charted"]]
    objective["other_metrics"] = [m for m in metrics if not m["charted"] and m.get("listed", True)]
    objective["others_count"] = objective["metric_count"] - len(objective["charted_metrics"])
    objective["unlisted_count"] = objective["others_count"] - len(objective["other_metrics"])
    objective["metric_tally_text"] = tally_text(objective["metric_tally"])
    # The appendix writes every metric's attainment out when all are shown, the drawn ones otherwise.
    objective["metrics_complete"] = len(metrics) == objective["metric_count"]
    objective["initiatives_complete"] = len(objective["initiatives"]) == objective["initiative_count"]


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


def _goal(goal: dict, share: float, links: dict) -> None:
    """Display strings of a goal; for a goal with a section, of its objectives, metrics and lists."""
    _describe(goal, f"Goal {goal['number']}")
    goal["weight_text"] = f"{goal['weight']:g}"
    if not goal["section"]:
        return
    objectives = goal["objectives"]
    goal["objectives_detail"] = [o for o in objectives if o["detail"]]
    goal["objectives_lines"] = [o for o in objectives if not o["detail"]]
    goal["objectives_more"] = goal["objective_count"] - len(objectives)
    goal["objective_tally_text"] = tally_text(goal["objective_tally"])
    # The weighted mean is written out only when every objective is in the card.
    goal["arithmetic"] = (
        explain.weighted_arithmetic(objectives, goal["progress"]) if not goal["objectives_more"] else None
    )
    for objective in objectives:
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
    _goal_lists(goal, links)


def _plan_lists(data: dict) -> None:
    """The plan-wide parts that are capped: goals, metrics and initiatives furthest behind,
    department plans and CIO exceptions, each beside how many are not shown."""
    overall, alignment = data["overall"], data["alignment"]
    overall["goal_tally_text"] = tally_text(overall["goal_tally"])
    overall["goals_more"] = overall["goals"] - len(data["goals"])
    overall["sections"] = sum(goal["section"] for goal in data["goals"])
    overall["sections_more"] = overall["goals"] - overall["sections"]
    overall["arithmetic"] = (
        explain.weighted_arithmetic(data["goals"], overall["progress"]) if not overall["goals_more"] else None
    )
    for metric in data["metrics_behind"]:
        _describe_metric(metric)
    overall["metrics_more"] = overall["metrics"] - len(data["metrics_behind"])
    if data["initiatives_behind"] is not None:
        overall["initiatives_behind_more"] = overall["needs_attention"] - len(data["initiatives_behind"])
        data["initiatives_behind_list"] = {
            "items": data["initiatives_behind"],
            "count": overall["needs_attention"],
            "more": overall["initiatives_behind_more"],
            "url": f"{data['links']['initiatives']}?health=off_track",
            "also_url": f"{data['links']['initiatives']}?health=at_risk",
        }
    overdue = data.get("overdue")
    if overdue is not None:
        data["overdue_list"] = {
            "items": overdue["items"],
            "count": overdue["count"],
            "more": overdue["count"] - len(overdue["items"]),
            "url": f"{data['links']['initiatives']}?overdue=yes",
        }
    alignment["department_plans_more"] = alignment["department_plan_count"] - len(alignment["department_plans"])
    requests = alignment["it_requests"]
    requests["exceptions_more"] = requests["exception_count"] - len(requests["exceptions"])


def _context(document: dict) -> dict:
    data = _readable(document)
    upgrade(data)
    share = data["method"]["metric_share"]
    _describe(data["overall"], data["plan"]["title"])
    for goal in data["goals"]:
        _goal(goal, share, data["links"])
    _plan_lists(data)
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
        "caps": data["caps"],
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
