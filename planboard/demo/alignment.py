"""Loading what weighs initiatives and spending against a plan: Aurora's pillars, business
drivers, themes and alignment scores, and the Phoenix IT requests of the spend gate.

Each function takes the running `DemoLoader` (for `save`, `users`, `departments`, `today`) and
creates only the rows that are missing, looked up by natural key.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from goals.models import BusinessDriver, Pillar, Plan, Theme
from initiatives.models import AlignmentScore, ITRequest
from planboard.demo import aurora, department_plans


def ensure_aurora_criteria(loader, plan: Plan) -> tuple[dict, dict, dict]:
    """Aurora's themes and pillars by name, and its business drivers by key."""
    themes = {theme.name: theme for theme in plan.themes.all()}
    for order, (name, _, _) in enumerate(aurora.THEMES, start=1):
        if name not in themes:
            themes[name] = loader.save(Theme(plan=plan, name=name, order=order))
    pillars = {pillar.name: pillar for pillar in plan.pillars.all()}
    for order, (name, description) in enumerate(aurora.PILLARS, start=1):
        if name not in pillars:
            pillars[name] = loader.save(Pillar(plan=plan, name=name, description=description, order=order))
    found = {driver.name: driver for driver in plan.drivers.all()}
    drivers = {}
    for order, (key, name, pillar) in enumerate(aurora.DRIVERS, start=1):
        drivers[key] = found.get(name) or loader.save(
            BusinessDriver(plan=plan, name=name, pillar=pillars[pillar], order=order)
        )
    return themes, pillars, drivers


def ensure_alignment_scores(loader, load, pillars: dict, drivers: dict) -> None:
    """A 0-3 score of every Aurora initiative against every pillar and its main business drivers."""
    have = set(
        AlignmentScore.objects.filter(initiative__plan=load.plan).values_list("initiative_id", "pillar_id", "driver_id")
    )
    for initiative, spec in load.initiatives:
        for name, score in spec["pillar_scores"].items():
            if (initiative.pk, pillars[name].pk, None) not in have:
                loader.save(AlignmentScore(initiative=initiative, pillar=pillars[name], score=score))
        for key, score in spec["driver_scores"].items():
            if (initiative.pk, None, drivers[key].pk) not in have:
                loader.save(AlignmentScore(initiative=initiative, driver=drivers[key], score=score))


def ensure_it_requests(loader, enterprise) -> None:
    """Department IT requests weighed against the Phoenix plan, one of them a CIO exception."""
    plan = enterprise.plan
    have = set(ITRequest.objects.filter(plan=plan).values_list("department_id", "title"))
    cio = loader.users["cio"]
    for spec in department_plans.IT_REQUESTS:
        department = loader.departments[spec["department"]]
        if (department.pk, spec["title"]) in have:
            continue
        decided_at = _days_ago(loader.today, spec.get("decided_days_ago"))
        request = loader.save(
            ITRequest(
                department=department,
                plan=plan,
                title=spec["title"],
                justification=spec["justification"],
                amount=Decimal(spec["amount"]),
                fiscal_year=spec["fiscal_year"],
                state=spec["state"],
                requested_by=loader.users[spec["requested_by"]],
                submitted_at=_days_ago(loader.today, spec.get("submitted_days_ago")),
                decided_by=cio if decided_at else None,
                decided_at=decided_at,
                exception_reason=spec.get("exception_reason", ""),
                exception_by=cio if spec.get("exception_reason") else None,
                exception_at=decided_at if spec.get("exception_reason") else None,
            )
        )
        if spec["objectives"]:
            request.objectives.set([enterprise.objectives[code] for code in spec["objectives"]])


def _days_ago(today: datetime.date, days: int | None) -> datetime.datetime | None:
    """Mid-morning, city time, `days` before today."""
    if days is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time(10, 30)))
