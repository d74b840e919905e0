"""Roadmap geometry, worked by hand.

Plan FY2023-FY2024, July start: the axis runs 2022-07-01 .. 2024-06-30, 731 days (FY2024 holds
29 February 2024), drawn from x = 300 to x = 960, so one day is 660 / 731 = 0.90287 units.
"""

import datetime

from initiatives.roadmap.geometry import AXIS_HEIGHT, GROUP_HEADER, ROW_HEIGHT, roadmap
from tests.factories import InitiativeFactory, MilestoneFactory, PlanFactory, ThemeFactory

d = datetime.date


def test_bars_years_milestones_and_groups(db):
    plan = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2024)
    infra = ThemeFactory(plan=plan, name="Infrastructure", order=1)
    innovation = ThemeFactory(plan=plan, name="Innovation", order=2)
    long_one = InitiativeFactory(
        plan=plan, code="A-2", theme=infra, term="long", start_date=d(2022, 7, 1), target_date=d(2024, 6, 30)
    )
    short_one = InitiativeFactory(
        plan=plan, code="A-1", theme=infra, term="short", start_date=d(2022, 7, 1), target_date=d(2023, 6, 30)
    )
    InitiativeFactory(plan=plan, code="B-1", theme=innovation, start_date=d(2021, 1, 1), target_date=d(2023, 1, 1))
    InitiativeFactory(plan=plan, code="C-1", theme=None, start_date=None, target_date=None)
    MilestoneFactory(initiative=short_one, title="Go-live", due=d(2023, 7, 1), done_on=d(2023, 6, 30))
    MilestoneFactory(initiative=long_one, title="Outside", due=d(2025, 1, 1))

    chart = roadmap(plan, list(plan.initiatives.all()), today=d(2023, 7, 1))

    # FY2023 spans 365 days: 300 → 300 + 365 × 0.90287 = 629.55; FY2024 the remaining 366 to 960.
    assert [(y.label, y.x, y.width) for y in chart.years] == [("FY2023", 300.0, 329.55), ("FY2024", 629.55, 330.45)]
    infra_group, innovation_group = chart.groups
    assert [r.code for r in infra_group.rows] == ["A-1", "A-2"]  # short term before long term
    a1, a2 = infra_group.rows
    assert (a1.x, a1.width) == (300.0, 329.55)  # one fiscal year
    assert (a2.x, a2.width) == (300.0, 660.0)  # the whole plan
    # Rows stack under the axis and each group header: 30 + 26 = 56, then 22 apart.
    assert (infra_group.y, a1.y, a2.y) == (
        AXIS_HEIGHT,
        AXIS_HEIGHT + GROUP_HEADER,
        AXIS_HEIGHT + GROUP_HEADER + ROW_HEIGHT,
    )
    # The milestone on 2023-07-01 sits on the FY2024 line and is done; one due after the plan is left off.
    assert [(m.title, m.x, m.done) for m in a1.milestones] == [("Go-live", 629.55, True)]
    assert a2.milestones == []
    # B-1 started before the plan: clipped to the axis start, and its label says so.
    (b1,) = innovation_group.rows
    assert b1.clipped and b1.x == 300.0 and "beyond the plan's years" in b1.label
    assert [u["code"] for u in chart.unscheduled] == ["C-1"]
    assert chart.today_x == 629.55
    assert "3 initiatives" in chart.description and "hatched bars long term" in chart.description


def test_overdue_bars_and_milestones_are_marked_in_words(db):
    plan = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2024)
    late = InitiativeFactory(plan=plan, code="L-1", status="on_track", percent_complete=60, target_date=d(2023, 6, 30))
    done = InitiativeFactory(
        plan=plan,
        code="D-1",
        status="completed",
        percent_complete=100,
        target_date=d(2023, 6, 30),
        completed_date=d(2023, 8, 1),
    )
    InitiativeFactory(plan=plan, code="F-1", status="on_track", target_date=d(2024, 6, 30))
    MilestoneFactory(initiative=late, title="Pilot", due=d(2023, 3, 1))
    MilestoneFactory(initiative=late, title="Training", due=d(2023, 4, 1), done_on=d(2023, 4, 2))
    MilestoneFactory(initiative=done, title="Report", due=d(2023, 3, 1))  # its initiative is completed

    chart = roadmap(plan, list(plan.initiatives.all()), today=d(2023, 9, 1))

    rows = {row.code: row for row in chart.rows}
    assert rows["L-1"].overdue and "overdue: target date passed" in rows["L-1"].label
    assert not rows["D-1"].overdue and not rows["F-1"].overdue
    assert [(m.title, m.overdue) for m in rows["L-1"].milestones] == [("Pilot", True), ("Training", False)]
    assert [m.overdue for m in rows["D-1"].milestones] == [False]
    assert "1 initiative is overdue (marked ⚠ overdue) and 1 milestone is past due (marked !)" in chart.description
    # The mark follows the bar's end (2023-06-30 → x = 629.55 after the day): 629.55 + 4.
    assert rows["L-1"].marker_x == 633.55
