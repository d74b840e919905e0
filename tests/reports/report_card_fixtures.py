"""A small plan for the report card tests, its figures computed on a fixed day, and PDF reading."""

import datetime
import subprocess
from decimal import Decimal

import pytest

from goals.models import Objective
from initiatives.models import InitiativeStatus
from reports.recalculation import plan_recalculate
from tests.factories import (
    GoalFactory,
    InitiativeFactory,
    MetricFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ReadingFactory,
    StatusUpdateFactory,
    ThemeFactory,
)

# FY2025 of a July-start plan runs 2024-07-01 .. 2025-06-30; "today" is in FY2026.
TODAY = datetime.date(2025, 9, 15)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test writes its PDFs to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pdftotext (poppler-utils) reads it, lines joined by spaces."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def build_plan():
    """Two goals (weights 2 and 1), three objectives, two metrics with readings, four initiatives."""
    plan = PlanFactory(
        title="Riverside Technology Plan", slug="riverside", start_fiscal_year=2023, end_fiscal_year=2027
    )
    security = GoalFactory(plan=plan, number=1, title="Secure City Systems", weight=Decimal("2"))
    service = GoalFactory(plan=plan, number=2, title="Resident Digital Services", weight=Decimal("1"))
    patching = ObjectiveFactory(goal=security, code="1.1", title="Patch faster", term="long")
    identity = ObjectiveFactory(goal=security, code="1.2", title="Strong identity", term="long")
    portal = ObjectiveFactory(goal=service, code="2.1", title="One portal", term="long")
    patched = MetricFactory(
        objective=patching,
        name="Critical patches in 30 days",
        unit="%",
        baseline=Decimal("50"),
        target=Decimal("90"),
        baseline_date=datetime.date(2022, 6, 30),
        target_date=datetime.date(2027, 6, 30),
    )
    ReadingFactory(metric=patched, period_end=datetime.date(2023, 6, 30), value=Decimal("60"))
    ReadingFactory(metric=patched, period_end=datetime.date(2024, 6, 30), value=Decimal("70"))
    mfa = MetricFactory(
        objective=identity,
        name="Accounts with MFA",
        unit="%",
        baseline=Decimal("20"),
        target=Decimal("100"),
        baseline_date=datetime.date(2022, 6, 30),
        target_date=datetime.date(2027, 6, 30),
    )
    ReadingFactory(metric=mfa, period_end=datetime.date(2025, 3, 31), value=Decimal("84"))
    done = InitiativeFactory(
        plan=plan,
        code="SEC-1",
        title="Endpoint protection",
        status=InitiativeStatus.COMPLETED,
        percent_complete=100,
        completed_date=datetime.date(2025, 2, 14),
        last_update_on=datetime.date(2025, 2, 14),
    )
    lagging = InitiativeFactory(
        plan=plan,
        code="SEC-2",
        title="Privileged access review",
        status="on_track",
        percent_complete=10,
        start_date=datetime.date(2023, 7, 1),
        target_date=datetime.date(2025, 6, 30),
        last_update_on=datetime.date(2025, 1, 10),
    )
    portal_build = InitiativeFactory(
        plan=plan,
        code="WEB-1",
        title="Resident portal build",
        status="on_track",
        percent_complete=40,
        start_date=datetime.date(2024, 7, 1),
        target_date=datetime.date(2026, 6, 30),
        last_update_on=datetime.date(2025, 9, 1),
    )
    paused = InitiativeFactory(plan=plan, code="WEB-2", title="Chat assistant", status="on_hold", percent_complete=5)
    done.supports.add(patching)
    lagging.supports.add(identity)
    portal_build.supports.add(portal)
    paused.supports.add(portal)
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    return plan


def grow_plan(plan, count: int) -> None:
    """`count` more goals (a pillar and a theme with each), each with two objectives; per objective a
    metric with two readings and a supporting initiative with an update, a milestone and an
    `aligned_to` link to 1.1. Figures are not recalculated: for counting queries."""
    for n in range(count):
        goal = GoalFactory(plan=plan, number=10 + n)
        PillarFactory(plan=plan)
        ThemeFactory(plan=plan)
        for k in range(2):
            objective = ObjectiveFactory(goal=goal, code=f"{10 + n}.{k}")
            metric = MetricFactory(objective=objective)
            ReadingFactory(metric=metric, period_end=datetime.date(2024, 6, 30))
            ReadingFactory(metric=metric, period_end=datetime.date(2025, 6, 30))
            initiative = InitiativeFactory(plan=plan, code=f"G{n}-{k}")
            initiative.supports.add(objective)
            initiative.aligned_to.add(Objective.objects.get(code="1.1"))
            StatusUpdateFactory(initiative=initiative)
            MilestoneFactory(initiative=initiative)
