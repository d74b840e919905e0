"""A report card stays readable for a big city: capped charts, rows and lists, exact counts.

On top of report_card_fixtures' plan, goal 3 gets one objective with twenty metrics and a
goal 4 fifteen stale initiatives. Every metric runs 2022-06-30 → 2027-06-30 from 0 to 100, so on
2025-09-15 all share one pace, 1173 / 1826 = 0.642, and metric "M{i:02}" (reading 5 × i) attains
0.05 × i. Furthest behind pace = lowest attainment: M01, M02 are charted; M03..M10 are the
eight one-line rows; M11..M20 (10) are only counted. Health: completed at 1 (M20), on track from
0.642 − 0.10 = 0.542 (M11..M19: 9), at risk from 0.642 − 0.25 = 0.392 (M08..M10: 3), off track
below (M01..M07: 7).
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from initiatives.models import InitiativeStatus
from reports.recalculation import plan_recalculate
from reports.report_card import report_card_data, report_card_html, report_card_pdf
from reports.report_card.digest import thin_readings
from tests.factories import GoalFactory, InitiativeFactory, MetricFactory, ObjectiveFactory, ReadingFactory
from tests.reports.report_card_fixtures import TODAY, build_plan, media, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db
START, END = datetime.date(2022, 6, 30), datetime.date(2027, 6, 30)


def month_ends(first: datetime.date, count: int) -> list[datetime.date]:
    """The last day of `count` months from `first`'s month on."""
    days, year, month = [], first.year, first.month
    for _ in range(count):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - datetime.timedelta(days=1))
        year, month = following.year, following.month
    return days


def big_city_plan():
    plan = build_plan()
    dashboards = ObjectiveFactory(
        goal=GoalFactory(plan=plan, number=3, title="Open data"),
        code="3.1",
        title="Dashboards for every department",
        term="long",
    )
    for i in range(1, 21):
        metric = MetricFactory(
            objective=dashboards,
            name=f"M{i:02}",
            unit="%",
            baseline=Decimal("0"),
            target=Decimal("100"),
            baseline_date=START,
            target_date=END,
        )
        ReadingFactory(metric=metric, period_end=datetime.date(2025, 3, 31), value=Decimal(5 * i))
    support = ObjectiveFactory(goal=GoalFactory(plan=plan, number=4, title="Service desk"), code="4.1", term="long")
    for i in range(1, 16):
        item = InitiativeFactory(
            plan=plan,
            code=f"OPS-{i:02}",
            title=f"Desk upgrade {i}",
            status=InitiativeStatus.ON_TRACK,
            percent_complete=50,
            start_date=datetime.date(2024, 7, 1),
            target_date=datetime.date(2026, 6, 30),
            last_update_on=datetime.date(2025, 1, i),
        )
        item.supports.add(support)
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    plan.refresh_from_db()
    return plan


def test_an_objective_with_twenty_metrics_charts_two_lists_eight_and_counts_the_rest():
    data = report_card_data(big_city_plan(), 2025, today=TODAY)
    goal = next(g for g in data["goals"] if g["number"] == 3)
    objective = goal["objectives"][0]
    metrics = objective["metrics"]
    assert [m["name"] for m in metrics if m["charted"]] == ["M01", "M02"]
    assert [m["name"] for m in metrics if m["listed"]] == [f"M{i:02}" for i in range(3, 11)]
    # Only what is drawn is frozen, charted metrics with their readings; all 20 are counted.
    assert [bool(m["readings"]) for m in metrics] == [True] * 2 + [False] * 8
    assert objective["metric_count"] == 20 and len(metrics) == 10
    assert objective["metric_tally"] == {"off_track": 7, "at_risk": 3, "on_track": 9, "completed": 1}
    # M = the mean of 0.05 × i over i = 1..20 = 0.05 × 10.5 = 0.525.
    assert objective["metric_mean"] == pytest.approx(0.525)

    html = report_card_html(data)
    section = html[html.index("Goal 3: Open data") : html.index("Goal 4: Service desk")]
    assert section.count('<figure class="trend trend--compact">') == 2
    assert section.count('class="metric-row"') == 8
    text = pdf_text(report_card_pdf(html))
    assert "20 metrics in all: 9 on track, 3 at risk, 7 off track, 1 completed." in text
    assert "The next 8 of the other 18, furthest behind pace first:" in text
    assert (
        f"… and 10 more metrics; each one's attainment is on http://127.0.0.1:8000/explain/objective/{objective['id']}/"
        in text
    )
    # M04 is listed as a row (latest 20, attainment 20.0%); M20 is only counted.
    assert "M04 · latest 20 % (Mar 31, 2025) · target 100 % by Jun 30, 2027 · attainment 20.0% · Off track" in text
    # Not all are shown, so the appendix gives M, the count and where every input is.
    expected = f"M = 0.525 from 20 metrics (each at http://127.0.0.1:8000/explain/objective/{objective['id']}/)"
    assert expected.replace(" ", "") in text.replace(" ", "")
    assert "M20" not in text[text.index("Goal 3: Open data") : text.index("Goal 4: Service desk")]


def test_a_goal_with_fifteen_stale_initiatives_lists_the_ten_oldest_and_counts_all():
    data = report_card_data(big_city_plan(), 2025, today=TODAY)
    goal = next(g for g in data["goals"] if g["number"] == 4)
    # Last updates 2025-01-01 .. 2025-01-15, all more than 30 days before 2025-09-15: all stale.
    assert goal["stale_count"] == 15
    assert [i["code"] for i in goal["stale"]] == [f"OPS-{i:02}" for i in range(1, 11)]
    assert data["overall"]["stale"] == 15 + 1  # and SEC-2 of goal 1
    text = pdf_text(report_card_pdf(report_card_html(data)))
    assert "Stale initiatives: 15" in text
    assert "… and 5 more (15 in all). The full list: http://" in text
    assert f"/plans/riverside/initiatives/?goal={goal['id']}&stale=yes" in text.replace(" ", "")
    lists = text[text.index("Goal 4: Service desk") : text.index("Department alignment")]
    assert "OPS-10" in lists and "OPS-11" not in lists  # OPS-11 .. OPS-15 are only counted


def test_a_metric_read_monthly_for_five_years_is_charted_from_twenty_points_ending_at_the_latest():
    plan = build_plan()
    metric = (
        plan.goals.get(number=2)
        .objectives.get()
        .metrics.create(
            name="Portal sessions",
            unit="k",
            baseline=Decimal("0"),
            target=Decimal("100"),
            baseline_date=START,
            target_date=END,
        )
    )
    days = month_ends(datetime.date(2020, 7, 31), 60)  # Jul 2020 .. Jun 2025
    for number, day in enumerate(days):
        ReadingFactory(metric=metric, period_end=day, value=Decimal(number))
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    drawn = next(
        m
        for g in report_card_data(plan, 2025, today=TODAY)["goals"]
        for o in g["objectives"]
        for m in o["metrics"]
        if m["name"] == "Portal sessions"
    )
    # 60 readings over 20 calendar quarters (Q3 2020 .. Q2 2025) fit in 24 points: one per quarter,
    # its last month (Sep, Dec, Mar, Jun), ending with June 2025's reading, value 59.
    assert drawn["reading_count"] == 60 and len(drawn["readings"]) == 20
    assert [r["period_end"][5:7] for r in drawn["readings"][:4]] == ["09", "12", "03", "06"]
    assert drawn["readings"][-1] == drawn["latest"] == {"period_end": "2025-06-30", "value": 59.0}
    assert "The line joins 20 of its 60 readings" in report_card_html(report_card_data(plan, 2025, today=TODAY))


def test_a_long_history_is_thinned_by_half_years_when_quarters_would_be_too_many():
    readings = [
        {"period_end": day, "value": float(n)} for n, day in enumerate(month_ends(datetime.date(2013, 1, 31), 120))
    ]
    # 120 months = 40 quarters > 24, so half-years: 20 points, each June's or December's reading.
    thinned = thin_readings(readings)
    assert len(thinned) == 20 and {r["period_end"].month for r in thinned} == {6, 12}
    assert thinned[-1] is readings[-1]
    assert thin_readings(readings[:24]) == readings[:24]  # 24 or fewer: every reading


def frozen_schema_2() -> dict:
    """big_city_plan's FY2025 card as report_card_data froze it under schema 2 (every goal,
    objective and metric; charted metrics' readings; goal lists capped at 10 beside their counts)."""
    return json.loads((Path(__file__).parent / "report_card_schema2.json").read_text())


def test_a_card_frozen_under_schema_2_is_drawn_with_the_current_caps():
    data = frozen_schema_2()
    assert data["schema"] == 2 and len(data["goals"][2]["objectives"][0]["metrics"]) == 20
    html = report_card_html(data)
    section = html[html.index("Goal 3: Open data") : html.index("Goal 4: Service desk")]
    # Schema 2 charted M01..M03 and listed twelve; drawn now: two charts, eight rows, ten counted.
    assert section.count('<figure class="trend trend--compact">') == 2
    assert section.count('class="metric-row"') == 8 and "… and 10 more metrics" in section
    # The plan-wide list of metrics is made from the frozen ones: 20 + the 2 of goals 1 and 2.
    assert "All 22 metrics of the plan, furthest behind pace" in html
    # Schema 2 kept no plan-wide list of initiatives: the card says so rather than guessing.
    assert "Not recorded: this card was frozen before report cards kept a plan-wide list" in html
    assert "http://127.0.0.1:8000/api/v1/plans/" in html  # the links of schema 3, made for it


def test_a_card_frozen_before_the_caps_is_drawn_with_them():
    data = frozen_schema_2()
    goal = next(g for g in data["goals"] if g["number"] == 4)
    # A schema-1 card froze whole lists and every reading, with no counts beside them.
    goal["stale"] = goal["stale"] * 2
    for key in ("completed_count", "needs_attention_count", "stale_count"):
        del goal[key]
    del data["links"]
    data["schema"] = 1
    html = report_card_html(data)
    # 10 listed stale items frozen twice = 20; the card lists 10 and says 10 more.
    assert "Stale initiatives: 20" in html and "… and 10 more (20 in all)" in html
