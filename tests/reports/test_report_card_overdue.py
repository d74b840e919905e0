"""The report card counts and lists overdue initiatives as of its date: the fiscal year's last day
for a year that has ended, the day it is prepared otherwise, by the status reported by then."""

import datetime

import pytest

from reports.report_card import report_card_data, report_card_html
from tests.factories import GoalFactory, InitiativeFactory, ObjectiveFactory, PlanFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

d = datetime.date
TODAY = d(2025, 12, 1)  # FY2026 (July start) is under way; FY2025 ended on 2025-06-30.


@pytest.fixture
def plan():
    plan = PlanFactory(slug="stp", start_fiscal_year=2024, end_fiscal_year=2026)
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=1))

    def initiative(code, target, status="on_track", percent=50, updates=(), **kwargs):
        item = InitiativeFactory(
            plan=plan,
            code=code,
            start_date=d(2023, 7, 1),
            target_date=target,
            status=status,
            percent_complete=percent,
            **kwargs,
        )
        item.supports.add(objective)
        for as_of, update_status, update_percent in updates:
            StatusUpdateFactory(initiative=item, as_of=as_of, status=update_status, percent_complete=update_percent)
        return item

    # A: past target at the year's end, completed only afterwards: overdue in FY2025, not now.
    initiative(
        "A",
        d(2025, 3, 31),
        "completed",
        100,
        [(d(2025, 1, 15), "on_track", 50), (d(2025, 9, 1), "completed", 100)],
        completed_date=d(2025, 9, 1),
    )
    # B completed and C cancelled before the year's end: never overdue.
    initiative("B", d(2025, 3, 31), "completed", 100, [(d(2025, 5, 1), "completed", 100)], completed_date=d(2025, 5, 1))
    initiative("C", d(2025, 3, 31), "cancelled", 10, [(d(2025, 4, 1), "cancelled", 10)])
    # D: due on the year's last day itself (not yet overdue then); E: due in FY2026.
    initiative("D", d(2025, 6, 30), updates=[(d(2025, 2, 1), "on_track", 50)])
    initiative("E", d(2025, 9, 30))
    # F: on hold since it was created, past its target: overdue (on hold does not move the date).
    initiative("F", d(2024, 12, 31), "on_hold", 20)
    return plan


def test_a_past_years_card_counts_overdue_as_of_its_last_day(plan):
    data = report_card_data(plan, 2025, today=TODAY)
    assert data["overdue"]["as_of"] == "2025-06-30"
    assert data["overall"]["overdue"] == data["overdue"]["count"] == 2
    assert [row["code"] for row in data["overdue"]["items"]] == ["F", "A"]  # longest overdue first
    assert data["goals"][0]["overdue_count"] == 2
    html = report_card_html(data)
    assert "Overdue initiatives: 2" in html and "as of Jun 30, 2025" in html
    assert "target date Dec 31, 2024 passed" in html


def test_the_current_years_card_counts_overdue_as_of_today(plan):
    data = report_card_data(plan, 2026, today=TODAY)
    assert data["overdue"]["as_of"] == "2025-12-01"
    assert sorted(row["code"] for row in data["overdue"]["items"]) == ["D", "E", "F"]


def test_the_overdue_list_is_capped_and_counted(plan, monkeypatch):
    from reports.report_card import digest

    monkeypatch.setattr(digest, "OVERDUE_LISTED", 2)
    data = report_card_data(plan, 2026, today=TODAY)
    html = report_card_html(data)
    assert data["overdue"]["count"] == 3 and len(data["overdue"]["items"]) == 2
    assert "… and 1 more (3 in all)" in html and "?overdue=yes" in html


def test_a_card_frozen_before_overdue_was_counted_says_so(plan):
    data = report_card_data(plan, 2025, today=TODAY)
    data["schema"] = 3
    del data["overdue"]
    html = report_card_html(data)
    assert "Overdue initiatives: not recorded" in html
