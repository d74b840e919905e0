"""Template filters and tags for figures, health and charts.

Figures are the cached ones (`progress`, `pace`, `health`); these helpers only format them and
call `planboard.core.progress.grade`, the one home of the grading rule. They accept model rows or the
plain dicts a report card freezes, so pages and the PDF format figures the same way.
"""

from django import template
from django.urls import reverse

from planboard.core import charts, display
from planboard.core import progress as method

register = template.Library()

EXPLAINABLE = {"plan", "goal", "objective", "metric", "initiative"}


def _field(node, name: str):
    """`node.name` for a model row, `node[name]` for a dict, None when absent."""
    if isinstance(node, dict):
        return node.get(name)
    return getattr(node, name, None)


@register.filter
def percent(value: float | None) -> str:
    """0.624 → "62%", 0.625 → "63%" (half up, planboard.core.display); None → "no figure"."""
    return charts.percent_text(value)


@register.filter
def decimals(value: float | None, places: int = 3) -> str:
    """A fraction as the arithmetic writes it: 0.3865 → "0.387" (half up); None → "none"."""
    return "none" if value is None else f"{display.rounded(value, int(places)):f}"


@register.filter
def grade(node) -> str:
    """The report-card grade of a node's cached progress against its pace, or "not graded"."""
    letter = method.grade(_field(node, "progress"), _field(node, "pace"))
    return letter or "not graded"


@register.filter
def health_label(health: str | None) -> str:
    """ "at_risk" → "At risk"; blank → "Not rated"."""
    return charts.health_text(health or "")


@register.filter
def clean(text) -> str:
    """Text with the control characters XML forbids removed (for SVG and the PDF)."""
    return charts.clean_label(text)


@register.simple_tag
def explain_url(node) -> str:
    """The page that explains how a node's figure is computed ("how is 62% computed")."""
    kind = type(node).__name__.lower()
    if kind not in EXPLAINABLE or getattr(node, "pk", None) is None:
        return ""
    return reverse("explain", args=[kind, node.pk])


@register.inclusion_tag("includes/health_badge.html")
def health_badge(health: str | None) -> dict:
    """A badge that says the health in words; the colour only repeats it."""
    return {"health": health or "", "label": charts.health_text(health or "")}


@register.inclusion_tag("includes/figure.html")
def figure(node, label: str = "") -> dict:
    """A node's progress as a figure that links to its explanation (an htmx panel when JS runs)."""
    return {
        "node": node,
        "label": label,
        "url": explain_url(node),
        "progress": _field(node, "progress"),
        "pace": _field(node, "pace"),
    }


@register.inclusion_tag("includes/charts/progress_bar.html")
def progress_bar(progress: float | None, pace: float | None, health: str = "", label: str = "") -> dict:
    """Draw a progress bar with a pace marker (see planboard.core.charts.progress_bar)."""
    return {"chart": charts.progress_bar(progress, pace, health or "", label)}


@register.inclusion_tag("includes/charts/sparkline.html")
def sparkline(series, label: str = "") -> dict:
    """Draw a trend sparkline from [(date, progress), ...] (see planboard.core.charts.sparkline)."""
    return {"chart": charts.sparkline(series or [], label)}


@register.filter
def field_label(name: str) -> str:
    """ "percent_complete" → "Percent complete"."""
    return str(name).replace("_", " ").capitalize()


@register.filter
def person(user, empty: str = "—") -> str:
    """A user's full name, else their username; `empty` when there is nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.get_username()


@register.filter
def audit_value(value) -> str:
    """A value from the audit history in words: links as a count, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return f"{len(value)} linked item{'s' if len(value) != 1 else ''}"
    return str(value)
