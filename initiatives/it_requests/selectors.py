"""Reads of the IT request register: the rows a reader may see, with their ties and totals."""

from collections import defaultdict
from decimal import Decimal

from goals.models import Plan
from initiatives import visibility as initiatives_visible
from initiatives.it_requests.rules import request_ties
from initiatives.models import ITRequest


def it_request_register_data(plan: Plan, user, query) -> dict:
    """The register's rows (with ties) and totals for the reader, in a fixed number of queries."""
    requests = (
        initiatives_visible.visible_it_requests(user).filter(plan=plan).select_related("department", "requested_by")
    )
    state = query.get("state", "")
    if state in ITRequest.State.values:
        requests = requests.filter(state=state)
    department = query.get("department", "")
    if department.isdigit():
        requests = requests.filter(department_id=int(department))
    year = query.get("fiscal_year", "")
    if year.isdigit():
        requests = requests.filter(fiscal_year=int(year))
    rows = list(requests.order_by("-fiscal_year", "department__name", "title"))
    ties = request_ties(rows)
    goals = list(plan.goals.order_by("number"))
    by_goal: dict[int | None, Decimal] = defaultdict(Decimal)
    by_department: dict[int, dict] = {}
    for row in rows:
        row.tie = ties[row.pk]
        for goal_id in row.tie.goal_ids or [None]:
            by_goal[goal_id] += row.amount
        totals = by_department.setdefault(
            row.department_id,
            {"department": row.department, "total": Decimal(0), **{s: Decimal(0) for s in ITRequest.State.values}},
        )
        totals[row.state] += row.amount
        totals["total"] += row.amount
    return {
        "rows": rows,
        "goals": goals,
        "goal_totals": [(goal, by_goal[goal.pk]) for goal in goals],
        "untied_total": by_goal[None],
        "department_totals": sorted(by_department.values(), key=lambda t: t["department"].name),
        "grand_total": sum((r.amount for r in rows), Decimal(0)),
        "filters": {"state": state, "department": department, "fiscal_year": year},
    }
