"""Importing a whole plan: rows matched by their external ids, so a re-import updates, never duplicates."""

import datetime
import io
from decimal import Decimal

import pytest

from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from planboard.transfer.exports import kind_sheets, write_xlsx
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.factories import (
    DepartmentPlanFactory,
    GoalFactory,
    InitiativeFactory,
    MetricFactory,
    ObjectiveFactory,
    ThemeFactory,
    UserFactory,
)
from tests.transfer.helpers import counts, csv_upload, exported_csv_rows, set_cell, snapshot


@pytest.fixture
def enterprise(plan, owner):
    """A small enterprise plan: two goals, three objectives, a metric, a theme, two initiatives."""
    theme = ThemeFactory(plan=plan, name="Infrastructure")
    first, second = GoalFactory(plan=plan, number=1, title="Secure"), GoalFactory(plan=plan, number=2, title="Digital")
    mfa = ObjectiveFactory(goal=first, code="1.1", title="Strong sign-in")
    ObjectiveFactory(goal=first, code="1.2", title="Recover quickly")
    online = ObjectiveFactory(goal=second, code="2.1", title="Services online")
    MetricFactory(objective=mfa, name="Share of staff with MFA", owner=owner)
    cloud = InitiativeFactory(plan=plan, code="PD-1", theme=theme, owner=owner, budget_estimate=Decimal("250000.50"))
    cloud.supports.set([mfa, online])
    InitiativeFactory(plan=plan, code="PD-2", owner=UserFactory(username="someone-else"))
    return plan


def run(rows, user, name="plan.csv"):
    return import_file(kind="plan", upload=csv_upload(rows, name), filename=name, user=user)


def refused(rows, user) -> list:
    with pytest.raises(ImportRefused) as caught:
        run(rows, user)
    return caught.value.problems


def test_a_plan_file_under_a_new_slug_creates_the_whole_plan_with_its_links(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Plan", "slug", "stp", "slug", "stp-copy")

    result = run(rows, cio)

    # 1 plan + 1 theme + 2 goals + 3 objectives + 1 metric + 2 initiatives = 10 rows.
    assert (result.outcome.created, result.outcome.changed, result.outcome.unchanged) == (10, 0, 0)
    copy = Initiative.objects.get(plan__slug="stp-copy", code="PD-1")
    assert sorted(copy.supports.values_list("code", "goal__plan__slug")) == [("1.1", "stp-copy"), ("2.1", "stp-copy")]
    assert (copy.theme.name, copy.theme.plan.slug) == ("Infrastructure", "stp-copy")
    assert copy.budget_estimate == Decimal("250000.50")
    assert copy.history.latest().history_user == cio


def test_re_importing_the_same_plan_file_changes_nothing(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Plan", "slug", "stp", "slug", "stp-copy")
    run(rows, cio)
    before = snapshot()

    result = run(rows, cio)

    assert (result.outcome.created, result.outcome.changed, result.outcome.unchanged) == (0, 0, 10)
    # Same rows, same values, same versions, and not one new history record.
    assert snapshot() == before


def test_a_changed_cell_changes_that_row_only_through_the_service(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Goals", "number", "2", "title", "A digital City")
    goal = Goal.objects.get(plan=enterprise, number=2)
    before = counts(snapshot())

    result = run(rows, cio)

    assert (result.outcome.changed, result.outcome.unchanged) == (1, 9)
    goal.refresh_from_db()
    assert (goal.title, goal.version) == ("A digital City", 2)
    assert (goal.history.latest().history_change_reason, goal.history.latest().history_user) == ("Changed", cio)
    after = counts(snapshot())
    assert {label: after[label] - before[label] for label in after if after[label] != before[label]} == {
        "goals.HistoricalGoal": 1,
        "goals.PlanChange": 1,  # the plan's figures are due for a recalculation
    }
    assert Plan.objects.get(pk=enterprise.pk).needs_recalculation is True


def test_a_department_plan_links_to_its_enterprise_plan_by_slug_and_code(enterprise, cio):
    department_plan = DepartmentPlanFactory(slug="police-it", parent=enterprise)
    own = ObjectiveFactory(goal__plan=department_plan, goal__number=1, code="1.1")
    serving = ObjectiveFactory(goal=own.goal, code="1.2")
    serving.aligned_to.set([Objective.objects.get(goal__plan=enterprise, code="2.1"), own])
    rows = exported_csv_rows("plan", department_plan)
    set_cell(rows, "Plan", "slug", "police-it", "slug", "police-copy")

    run(rows, cio)

    copied = Objective.objects.get(goal__plan__slug="police-copy", code="1.2")
    assert sorted(copied.aligned_to.values_list("goal__plan__slug", "code")) == [("police-copy", "1.1"), ("stp", "2.1")]


def test_every_problem_in_a_plan_file_is_listed_with_sheet_row_and_column(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    header = rows[0]
    blank = [""] * len(header)

    def row(sheet, **cells):
        new = list(blank)
        new[0] = sheet
        for name, value in cells.items():
            new[header.index(name)] = value
        return new

    rows += [
        row("Objectives", goal="7", code="7.1", title="Orphan"),  # unknown goal
        row("Objectives", goal="1", code="1.1", title="Again"),  # duplicate code
        row(
            "Metrics",
            objective="1.2",
            name="Backups restored",
            unit="%",
            direction="up",
            baseline="50",
            baseline_date="2022-06-30",
            target="40",
            target_date="2026-06-30",
        ),  # target below, up
        row("Initiatives", code="PD-3", title="New", theme="Nowhere", owner="nobody"),  # unknown theme, owner
    ]
    set_cell(rows, "Initiatives", "code", "PD-1", "percent_complete", "80")  # status moves by update

    problems = refused(rows, cio)

    found = {(p.sheet, p.column, p.value): p.rule for p in problems}
    assert "Unknown goal: the plan has no goal numbered 7" in found["Objectives", "goal", "7"]
    assert found["Objectives", "code", "1.1"].startswith("Duplicate row: row")
    assert found["Metrics", "target", "40"] == "Higher is better, so the target must be above the baseline."
    assert "Unknown theme" in found["Initiatives", "theme", "Nowhere"]
    assert found["Initiatives", "owner", "nobody"] == "Unknown owner: no user with the username “nobody”."
    assert "change through a status update" in found["Initiatives", "percent_complete", "80"]
    assert len(problems) == 6
    assert not Objective.objects.filter(code="7.1").exists()


def test_an_objective_cannot_be_moved_to_another_goal_by_a_file(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Objectives", "code", "1.2", "goal", "2")

    problems = refused(rows, cio)

    assert [(p.sheet, p.column, p.value) for p in problems] == [("Objectives", "goal", "2")]
    assert "it cannot be moved" in problems[0].rule


def test_an_owner_may_change_their_own_initiative_but_not_the_plan_or_anothers(enterprise, owner):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Initiatives", "code", "PD-1", "title", "Cloud migration, phase 1")
    set_cell(rows, "Initiatives", "code", "PD-2", "title", "Not mine")
    set_cell(rows, "Goals", "number", "1", "weight", "2")

    problems = refused(rows, owner)

    assert sorted((p.sheet, p.column, p.value) for p in problems) == [
        ("Goals", "number", "1"),
        ("Initiatives", "code", "PD-2"),
    ]
    assert problems[0].rule.startswith("You may not change")
    assert Initiative.objects.get(code="PD-1").title != "Cloud migration, phase 1"

    set_cell(rows, "Initiatives", "code", "PD-2", "title", Initiative.objects.get(code="PD-2").title)
    set_cell(rows, "Goals", "number", "1", "weight", "1")
    assert run(rows, owner).outcome.changed == 1
    assert Initiative.objects.get(code="PD-1").title == "Cloud migration, phase 1"


def test_a_dated_metric_round_trips_through_xlsx_cells(enterprise, cio):
    Metric.objects.update(baseline=Decimal("12.3456"), baseline_date=datetime.date(2021, 6, 30))
    workbook = io.BytesIO()
    write_xlsx("plan", kind_sheets("plan", Plan.objects.get(pk=enterprise.pk)), workbook)
    before = snapshot()

    workbook.seek(0)
    result = import_file(kind="plan", upload=workbook, filename="plan.xlsx", user=cio)

    assert result.outcome.unchanged == 10
    assert snapshot() == before


def test_a_bad_plan_row_does_not_hide_the_problems_of_the_other_sheets(enterprise, cio):
    rows = exported_csv_rows("plan", enterprise)
    set_cell(rows, "Plan", "slug", "stp", "end_fiscal_year", "2020")  # before the 2022 start
    set_cell(rows, "Goals", "number", "2", "weight", "heavy")

    problems = refused(rows, cio)

    assert [(p.sheet, p.column, p.value) for p in problems] == [
        ("Goals", "weight", "heavy"),
        ("Plan", "end_fiscal_year", "2020"),
    ]
    assert problems[1].rule == "The last fiscal year cannot come before the first."
