"""What goes in a report card: one plan's figures for one fiscal year, as plain JSON.

The report reads figures, it never computes them (DESIGN.md: progress is written only by the
progress engine). For a fiscal year that has ended it reads the ProgressSnapshot rows taken on
the year's last day when there are any; otherwise, and for the year in progress, the figures
cached on each row (figures.py). `figures.source` says which, and `figures.as_of` the date they
describe.

The result holds only JSON types (dates as ISO strings), so the dict returned for a live plan
is exactly what is frozen into the ReportCard row and read back years later.

A fixed number of queries, whatever the size of the plan. What the card shows is decided here
(digest.py's caps, applied by sections.py: which goals, objectives and metrics are drawn, the
readings of the charted metrics' lines, the most urgent initiatives of each list), so the
frozen dict carries only that, its size bounded whatever the size of the plan, and every count
stays exact.
"""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from goals.models import Plan
from initiatives.alignment.rules import plans_alignment
from initiatives.models import ITRequest
from planboard.core import progress
from planboard.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start
from reports.plan_tree import plan_tree
from reports.report_card import digest
from reports.report_card.figures import Figures
from reports.report_card.overdue import overdue_initiative_ids
from reports.report_card.sections import Sections

# Bump when the shape of the dict changes; html.py can then still draw cards frozen earlier.
# 2: charted metrics carry thinned readings, the others only their latest; initiative lists
# are capped beside exact counts (digest.py).
# 3: goals, objectives and metrics are capped plan-wide too (only those shown are frozen, with
# counts of all), the caps and the plan-wide lists of the appendix are frozen with the card.
# 4: the initiatives overdue on the card's date, counted for the plan and per goal, the longest
# overdue listed plan-wide (`overdue`).
SCHEMA_VERSION = 4
ALIGNMENT_COUNTS = ("objectives_aligned", "objectives_unaligned", "initiatives_aligned", "initiatives_unaligned")


def fiscal_year_errors(plan: Plan, fiscal_year, today: datetime.date) -> dict[str, str]:
    """What is wrong with reporting on `fiscal_year` of `plan`, by field; empty when it is fine."""
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool):
        return {"fiscal_year": "Enter the fiscal year as a four-digit number, for example 2025."}
    if not plan.start_fiscal_year <= fiscal_year <= plan.end_fiscal_year:
        return {
            "fiscal_year": f"“{plan}” covers FY{plan.start_fiscal_year} to FY{plan.end_fiscal_year}; "
            f"FY{fiscal_year} is outside it."
        }
    if fiscal_year_start(fiscal_year, plan.fiscal_year_start_month) > today:
        return {
            "fiscal_year": f"FY{fiscal_year} has not begun yet (the current fiscal year is "
            f"FY{fiscal_year_of(today, plan.fiscal_year_start_month)})."
        }
    return {}


def _alignment(plan: Plan) -> dict:
    """For each department plan aligned to `plan` (the first DEPARTMENT_PLANS by title, all
    counted): how many objectives and initiatives link to it, by the alignment rule's one home
    (initiatives.alignment.rules: direct or through an aligned objective of the department's own plan)."""
    department_plans = list(Plan.objects.filter(parent=plan).select_related("department").order_by("title"))
    by_plan = plans_alignment(department_plans)
    rows = []
    for department_plan in department_plans:
        alignment = by_plan[department_plan.pk]
        aligned_objectives = sum(item.is_aligned for item in alignment.objectives)
        aligned_initiatives = sum(item.is_aligned for item in alignment.initiatives)
        rows.append(
            {
                "title": department_plan.title,
                "department": department_plan.department.name if department_plan.department else "",
                "objectives_aligned": aligned_objectives,
                "objectives_unaligned": len(alignment.objectives) - aligned_objectives,
                "initiatives_aligned": aligned_initiatives,
                "initiatives_unaligned": len(alignment.initiatives) - aligned_initiatives,
            }
        )
    totals = {key: sum(row[key] for row in rows) for key in ALIGNMENT_COUNTS} if rows else {}
    return {"department_plans": rows[: digest.DEPARTMENT_PLANS], "department_plan_count": len(rows), "totals": totals}


def _it_requests(plan: Plan, fiscal_year: int) -> dict:
    """The year's IT requests counted by state in SQL, and the first EXCEPTIONS approved with a
    CIO exception (by department and title) beside their exact count: two queries."""
    requests = ITRequest.objects.filter(plan=plan, fiscal_year=fiscal_year)
    exception = Q(state=ITRequest.State.APPROVED, exception_by__isnull=False)
    by_state = {
        row["state"]: row
        for row in requests.order_by()
        .values("state")
        .annotate(n=Count("pk"), amount=Sum("amount"), exceptions=Count("pk", filter=exception))
    }
    approved = by_state.get(ITRequest.State.APPROVED, {})
    exceptions = requests.filter(exception).select_related("department").order_by("department__name", "title")
    return {
        "total": sum(row["n"] for row in by_state.values()),
        "by_state": {label: by_state.get(value, {}).get("n", 0) for value, label in ITRequest.State.choices},
        "approved_amount": float(approved.get("amount") or 0),
        "exception_count": approved.get("exceptions", 0),
        "exceptions": [
            {
                "title": r.title,
                "department": r.department.name,
                "amount": float(r.amount),
                "reason": r.exception_reason,
                "exception_at": r.exception_at,
            }
            for r in exceptions[: digest.EXCEPTIONS]
        ],
    }


def card_links(*, slug: str, plan_id: int) -> dict:
    """Where the full lists live in Planboard (the card shows the most urgent items only): the
    app's own URLs, frozen with the card. `goal` and `explain` are prefixes (`<id>/`, and
    `objective/<id>/` or `plan/<id>/`, follow)."""
    site = settings.SITE_URL
    goal_page = reverse("goal-detail", args=[0]).removesuffix("0/")
    explain_page = reverse("explain", args=["objective", 0]).removesuffix("objective/0/")
    return {
        "site": site,
        "plan": site + reverse("plan-dashboard", args=[slug]),
        "initiatives": site + reverse("initiative-list", args=[slug]),
        "goal": site + goal_page,
        "explain": site + explain_page,
        "alignment": site + reverse("alignment-matrix", args=[slug]),
        "it_requests": site + reverse("it-request-register", args=[slug]),
        "api": site + reverse("api-root"),
        "export": site + reverse("plan-export-export", args=[plan_id]),
        "spreadsheet": site + reverse("transfer:export", args=[slug, "plan", "xlsx"]),
        "readings": site + reverse("transfer:export", args=[slug, "readings", "xlsx"]),
    }


def report_card_data(plan: Plan, fiscal_year: int, *, today: datetime.date | None = None) -> dict:
    """Everything the report card shows about `plan` in `fiscal_year`, ready to freeze as JSON.

    Refuses (ValidationError on `fiscal_year`) a year outside the plan or one not yet begun.
    """
    today = today or timezone.localdate()
    errors = fiscal_year_errors(plan, fiscal_year, today)
    if errors:
        raise ValidationError(errors)
    month = plan.fiscal_year_start_month
    fy_start, fy_end = fiscal_year_start(fiscal_year, month), fiscal_year_end(fiscal_year, month)

    # Without details or readings: the figures choose what is shown; Sections reads the rest for it.
    tree = plan_tree(plan.pk, readings=None)
    figures = Figures(tree, fy_end, today)
    # Overdue as of the year's last day for a year that has ended, else as of today.
    overdue_as_of = min(fy_end, today)
    sections = Sections(tree, figures, fy_start, fy_end, overdue_initiative_ids(plan.pk, overdue_as_of))
    goal_rows = sections.goals()
    metrics_behind, initiatives_behind = sections.metrics_behind(), sections.initiatives_behind()
    overdue = {"as_of": overdue_as_of, "count": len(sections.overdue), "items": sections.overdue_list()}
    sections.add_people()
    sections.chart_readings(fy_end)

    node = tree.plan
    window = node.window
    data = {
        "schema": SCHEMA_VERSION,
        "caps": digest.caps(),
        "city": settings.CITY_NAME,
        "prepared_on": today,
        "fiscal_year": fiscal_year,
        "fiscal_year_start": fy_start,
        "fiscal_year_end": fy_end,
        "year_complete": fy_end < today,
        "plan": {
            "id": node.id,
            "title": node.title,
            "slug": node.slug,
            "scope": node.scope,
            "vision": node.vision,
            "mission": node.mission,
            "start_fiscal_year": node.start_fiscal_year,
            "end_fiscal_year": node.end_fiscal_year,
            "fiscal_year_start_month": month,
            "starts_on": window.start,
            "ends_on": node.ends_on,
            "is_sample": node.is_sample,
        },
        "figures": {
            "source": figures.source,
            "as_of": figures.as_of,
            "computed_at": figures.computed_at,
            "needs_recalculation": node.needs_recalculation,
        },
        "overall": {**figures.of("plan", node.id), **sections.counts()},
        "goals": goal_rows,
        "metrics_behind": metrics_behind,
        "initiatives_behind": initiatives_behind,
        "overdue": overdue,
        "links": card_links(slug=node.slug, plan_id=node.id),
        "alignment": {**_alignment(plan), "it_requests": _it_requests(plan, fiscal_year)},
        "method": {
            "metric_share": float(node.metric_share),
            "update_cadence_days": node.update_cadence_days,
            "on_track_slack": progress.ON_TRACK_SLACK,
            "at_risk_slack": progress.AT_RISK_SLACK,
            "grade_boundaries": [[letter, bound] for letter, bound in progress.GRADE_BOUNDARIES],
            "short_term_ends": window.term_end("short") - datetime.timedelta(days=1),
            "long_term_ends": node.ends_on,
        },
    }
    # Through JSON and back: the live dict and the frozen one are the same, down to the types.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
