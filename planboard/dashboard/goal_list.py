"""The dashboard's list of goals, drawn once per change of what it shows and then reused.

Each goal is a figure, a pace, a health badge, a grade, a sparkline and a progress bar: about a
third of a millisecond of template work apiece, so some 35 ms of the page's 40 ms of template work
for the 120 goals of the benchmark's city at scale 10. What the list shows changes only when a
goal is edited or the recalculation writes new figures or a snapshot, so each process keeps the
last HTML it drew for each plan (and language and URL prefix) with a digest of every stored field of every goal
and its trend: a request whose digest matches reuses the HTML, any other draws the list afresh.
Nothing has to be told about a change: the digest sees it.

Per process, not in the shared cache: chart ids (planboard.core.charts.chart_id) come from a
counter of the process, so HTML drawn earlier in the same process never repeats an id that the
rest of the page takes later; a restart (a deployment) starts empty; there is no network round
trip or failure to handle. Bounded: the `KEPT` most recently drawn plans.
"""

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from goals.models import Goal, Plan

TEMPLATE = "dashboard/_goal_list.html"
KEPT = 32

_drawn: OrderedDict[tuple, tuple[str, SafeString]] = OrderedDict()
_lock = threading.Lock()  # for threaded servers (gunicorn gthread); sync workers never contend


def goal_list_digest(goals: list[Goal]) -> str:
    """A digest of every stored field of each goal, in order, and of its `trend` series."""
    fields = [field.attname for field in Goal._meta.concrete_fields]
    state = [([getattr(goal, name) for name in fields], goal.trend) for goal in goals]
    return hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()


def goal_list_html(plan: Plan, goals: list[Goal]) -> SafeString:
    """The HTML of the plan's goal list (TEMPLATE), reused while its digest is unchanged."""
    # The language words and numbers are written in, and where the links lead, are not in the rows.
    key = (plan.pk, translation.get_language() or "", get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    digest = goal_list_digest(goals)
    with _lock:
        kept = _drawn.get(key)
        if kept is not None and kept[0] == digest:
            _drawn.move_to_end(key)
            return kept[1]
    # Stripped: the page places it inside its own indentation.
    html = mark_safe(render_to_string(TEMPLATE, {"goals": goals}).strip())
    with _lock:
        _drawn[key] = (digest, html)
        _drawn.move_to_end(key)
        while len(_drawn) > KEPT:
            _drawn.popitem(last=False)
    return html


def goal_lists_forget() -> None:
    """Drop every kept list (tests, and the benchmark's "drawn afresh" figure)."""
    with _lock:
        _drawn.clear()
