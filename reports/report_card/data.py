"""What goes in a report card: one plan's figures for one fiscal year, as plain JSON.

The report reads figures, it never computes them (DESIGN.md: progress is written only by the
progress engine). For a fiscal year that has ended it reads the ProgressSnapshot rows taken on
the year's last day when there are any; otherwise, and for the year in progress, the figures
cached on each row. `figures.source` says which, and `figures.as_of` the date they describe.
With cached figures, "stale" is judged on the day the card is prepared.

The result holds only JSON types (dates as ISO strings), so the dict returned for a live plan
is exactly what is frozen into the ReportCard row and read back years later.

A fixed number of queries, whatever the size of the plan. What the card draws is decided here
(digest.py: which metrics are charted, the readings of their lines, the most urgent initiatives
of each list), so the frozen dict carries only that, and every count stays exact.
"""

import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from goals.models import Health, MetricReading, Plan
from initiatives.alignment.rules import plans_alignment
from initiatives.models import InitiativeStatus, ITRequest
from planboard.core import progress
from planboard.core.choices import Frequency, Term
from planboard.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start
from reports.explain import objective_sides
from reports.models import ProgressSnapshot
from reports.plan_tree import InitiativeNode, MetricNode, PlanTree, plan_tree
from reports.report_card.digest import cap_lists, order_metrics, thin_readings

# Bump when the shape of the dict changes; html.py can then still draw cards frozen earlier.
# 2: charted metrics carry thinned readings, the others only their latest; initiative lists
# are capped beside exact counts (digest.py).
SCHEMA_VERSION = 2
NEEDS_ATTENTION = frozenset({Health.AT_RISK, Health.OFF_TRACK})
STATUS_LABELS, TERM_LABELS = dict(InitiativeStatus.choices), dict(Term.choices)
FREQUENCY_LABELS = dict(Frequency.choices)


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


def _figure(progress_value: float | None, pace_value: float | None, health: str) -> dict:
    return {
        "progress": progress_value,
        "pace": pace_value,
        "health": health or "",
        "grade": progress.grade(progress_value, pace_value),
        "ratio": progress.grade_ratio(progress_value, pace_value),
    }


class Figures:
    """The figures of every node of a plan at one date, from snapshots or from the cached fields."""

    def __init__(self, tree: PlanTree, fy_end: datetime.date, today: datetime.date):
        self.by_node: dict[tuple[str, int], dict] = {}
        self.stale: set[int] = set()
        plan = tree.plan
        snapshots = []
        if fy_end < today:
            snapshots = list(
                ProgressSnapshot.objects.filter(plan_id=plan.id, taken_on=fy_end).values_list(
                    "node_type", "node_id", "progress", "pace", "health", "stale_count"
                )
            )
        if snapshots:
            self.source, self.as_of, self.computed_at = "snapshot", fy_end, None
            for node_type, node_id, value, expected, health, stale_count in snapshots:
                self.by_node[(node_type, node_id)] = _figure(value, expected, health)
                if node_type == ProgressSnapshot.Node.INITIATIVE and stale_count:
                    self.stale.add(node_id)
            return
        self.source = "cached"
        self.computed_at = plan.computed_at
        self.as_of = timezone.localdate(plan.computed_at) if plan.computed_at else today
        levels = {
            "plan": [plan],
            "goal": tree.goals,
            "objective": tree.objectives,
            "metric": tree.metrics,
            "initiative": tree.initiatives,
        }
        for node_type, items in levels.items():
            for item in items:
                self.by_node[(node_type, item.id)] = _figure(item.progress, item.pace, item.health)
        for item in tree.initiatives:
            if progress.is_stale(
                status=item.status,
                last_update_on=item.last_update_on,
                start_date=item.start_date,
                cadence_days=item.update_cadence_days or plan.update_cadence_days,
                today=today,
            ):
                self.stale.add(item.id)

    def of(self, node_type: str, node_id: int) -> dict:
        """The node's figures; a node that did not exist when the snapshot was taken has none."""
        return self.by_node.get((node_type, node_id)) or _figure(None, None, "")


def _initiative(item: InitiativeNode, figures: Figures) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "title": item.title,
        "status": item.status,
        "status_label": STATUS_LABELS.get(item.status, item.status),
        "percent_complete": item.percent_complete,
        "counted": progress.is_counted(item.status),
        **figures.of("initiative", item.id),
        "stale": item.id in figures.stale,
        "last_update_on": item.last_update_on,
        "start_date": item.start_date,
        "target_date": item.target_date,
        "completed_date": item.completed_date,
        "owner": item.owner_name,
        "department": item.department_name or "",
    }


def _metric(item: MetricNode, figures: Figures) -> dict:
    latest = {"period_end": item.latest_on, "value": float(item.latest_value)} if item.latest_on else None
    return {
        "id": item.id,
        "name": item.name,
        "unit": item.unit,
        "direction": item.direction,
        "baseline": float(item.baseline),
        "baseline_date": item.baseline_date,
        "target": float(item.target),
        "target_date": item.target_date,
        "frequency": FREQUENCY_LABELS.get(item.frequency, item.frequency),
        **figures.of("metric", item.id),
        "readings": [],
        "reading_count": item.reading_count,
        "latest": latest,
    }


def _initiative_lists(members: list[dict], fy_start: datetime.date, fy_end: datetime.date) -> dict:
    return {
        "completed": [
            i
            for i in members
            if i["status"] == InitiativeStatus.COMPLETED
            and i["completed_date"] is not None
            and fy_start <= i["completed_date"] <= fy_end
        ],
        "needs_attention": [i for i in members if i["counted"] and i["health"] in NEEDS_ATTENTION],
        "stale": [i for i in members if i["stale"]],
    }


def _alignment(plan: Plan) -> list[dict]:
    """For each department plan aligned to `plan`: how many objectives and initiatives link to it,
    by the alignment rule's one home (initiatives.alignment.rules: direct or through an aligned
    objective of the department's own plan)."""
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
    return rows


def _it_requests(plan: Plan, fiscal_year: int) -> dict:
    rows = list(
        ITRequest.objects.filter(plan=plan, fiscal_year=fiscal_year)
        .select_related("department")
        .order_by("department__name", "title")
    )
    approved = [r for r in rows if r.state == ITRequest.State.APPROVED]
    return {
        "total": len(rows),
        "by_state": {label: sum(r.state == value for r in rows) for value, label in ITRequest.State.choices},
        "approved_amount": float(sum(r.amount for r in approved)),
        "exceptions": [
            {
                "title": r.title,
                "department": r.department.name,
                "amount": float(r.amount),
                "reason": r.exception_reason,
                "exception_at": r.exception_at,
            }
            for r in approved
            if r.has_exception
        ],
    }


def _chart_readings(metrics_of: dict[int, list[dict]], fy_end: datetime.date) -> None:
    """Order each objective's metrics (charted first) and give the charted ones their thinned
    readings, in place; only the charted metrics' readings are read."""
    charted: dict[int, dict] = {}
    for objective_id, rows in metrics_of.items():
        metrics_of[objective_id] = order_metrics(rows)
        charted.update({m["id"]: m for m in metrics_of[objective_id] if m["charted"]})
    readings: dict[int, list[dict]] = defaultdict(list)
    for metric_id, period_end, value in (
        MetricReading.objects.filter(metric_id__in=list(charted), period_end__lte=fy_end)
        .order_by("metric_id", "period_end")
        .values_list("metric_id", "period_end", "value")
    ):
        readings[metric_id].append({"period_end": period_end, "value": float(value)})
    for metric_id, row in charted.items():
        row["readings"] = thin_readings(readings[metric_id])


def _links(plan: Plan) -> dict:
    """Where the full lists live in Planboard (the card shows the most urgent items only)."""
    return {
        "site": settings.SITE_URL,
        "initiatives": f"{settings.SITE_URL}/plans/{plan.slug}/initiatives/",
        "goal": f"{settings.SITE_URL}/goals/",
        "api": f"{settings.SITE_URL}/api/v1/",
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

    tree = plan_tree(plan.pk, as_of=fy_end, detail=True, count_readings=True)
    figures = Figures(tree, fy_end, today)
    initiative_rows = {item.id: _initiative(item, figures) for item in tree.initiatives}
    metrics_of: dict[int, list[dict]] = defaultdict(list)
    for item in tree.metrics:
        metrics_of[item.objective_id].append(_metric(item, figures))
    _chart_readings(metrics_of, fy_end)

    objectives_of: dict[int, list[dict]] = defaultdict(list)
    goal_members: dict[int, dict[int, None]] = defaultdict(dict)  # an ordered set per goal
    for item in tree.objectives:
        members = sorted((initiative_rows[i.id] for i in tree.supporters.get(item.id, [])), key=lambda i: i["code"])
        metric_rows = metrics_of[item.id]
        metric_mean, initiative_mean = objective_sides(metric_rows, members)
        objectives_of[item.goal_id].append(
            {
                "id": item.id,
                "code": item.code,
                "title": item.title,
                "term": item.term,
                "term_label": TERM_LABELS.get(item.term, item.term),
                "weight": float(item.weight),
                **figures.of("objective", item.id),
                "metric_mean": metric_mean,
                "initiative_mean": initiative_mean,
                "initiatives": [
                    {"code": i["code"], "progress": i["progress"], "counted": i["counted"]} for i in members
                ],
                "metrics": metric_rows,
            }
        )
        goal_members[item.goal_id].update(dict.fromkeys(i["id"] for i in members))

    goal_rows = []
    for item in tree.goals:
        members = sorted((initiative_rows[i] for i in goal_members[item.id]), key=lambda i: i["code"])
        goal_rows.append(
            {
                "id": item.id,
                "number": item.number,
                "title": item.title,
                "description": item.description,
                "weight": float(item.weight),
                **figures.of("goal", item.id),
                "objectives": objectives_of[item.id],
                "initiative_count": len(members),
                **cap_lists(_initiative_lists(members, fy_start, fy_end)),
            }
        )

    everything = list(initiative_rows.values())
    linked = set(tree.supported)
    node = tree.plan
    window = node.window
    data = {
        "schema": SCHEMA_VERSION,
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
        "overall": {
            **figures.of("plan", node.id),
            "initiatives": len(everything),
            "counted": sum(i["counted"] for i in everything),
            "unlinked": sum(i["id"] not in linked for i in everything),
            **{key: len(value) for key, value in _initiative_lists(everything, fy_start, fy_end).items()},
        },
        "goals": goal_rows,
        "links": _links(plan),
        "alignment": {"department_plans": _alignment(plan), "it_requests": _it_requests(plan, fiscal_year)},
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
