"""The plan dashboard's counts and lists (initiatives.selectors) equal the rules applied row by row
in Python, on a plan with every kind of initiative; on PostgreSQL each list is a walk of its index.
"""

import datetime
import itertools
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Value

from goals.models import Health
from initiatives import selectors
from initiatives.models import Initiative, InitiativeStatus, Milestone
from tests.factories import InitiativeFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
OPEN = set(selectors.OPEN_STATUSES)


def day(offset: int | None) -> datetime.date | None:
    return None if offset is None else TODAY + datetime.timedelta(days=offset)


def build_plan(cadence: int = 30):
    """A plan of 7 statuses x 6 update ages x 3 start dates x 3 own cadences (378 initiatives), with
    target dates, completion dates and healths spread over them, and milestones; and a second plan
    with another cadence whose initiatives must count for nothing here."""
    plan = PlanFactory(update_cadence_days=cadence)
    other = PlanFactory(update_cadence_days=7)
    healths = [Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, Health.COMPLETED, ""]
    rows = []
    combos = itertools.product(
        InitiativeStatus.values,
        [None, -1, -29, -30, -31, -200],  # last update: none, then ages around a 30-day cadence
        [None, -31, -400],  # start date
        [None, 14, 60],  # own cadence (None: the plan's)
    )
    for n, (status, update, start, own) in enumerate(combos):
        completed = status == InitiativeStatus.COMPLETED
        rows.append(
            Initiative(
                plan=plan,
                code=f"D-{n:03}",
                title=f"Initiative {n}",
                status=status,
                percent_complete=100 if completed else n % 100,
                health=healths[n % len(healths)],
                last_update_on=day(update),
                start_date=day(start),
                target_date=day([-5, 0, 1, 30, 59, 60, 61, None][n % 8]),
                completed_date=day(-(n % 13)) if completed and n % 4 else None,
                update_cadence_days=own,
            )
        )
    rows += [Initiative(plan=other, code=f"O-{n}", title="Elsewhere", status="on_track") for n in range(20)]
    created = Initiative.objects.bulk_create(rows)
    Milestone.objects.bulk_create(
        Milestone(initiative=i, title=f"M {n}", due=day(n % 70), done_on=day(-1) if n % 5 == 0 else None)
        for n, i in enumerate(created)
    )
    return plan


def loaded(plan) -> list[Initiative]:
    return list(Initiative.objects.filter(plan=plan).select_related("plan"))


def by_database(value, *, descending: bool = False) -> tuple:
    """A sort key placing None where the database places NULL in an ORDER BY: PostgreSQL takes NULL
    as the largest value (last ascending, first descending), SQLite as the smallest."""
    nulls_last = connection.features.nulls_order_largest != descending
    return (value is None) == nulls_last, value


def test_counts_equal_the_health_of_each_row_and_the_stale_rule_row_by_row():
    plan = build_plan()
    rows = loaded(plan)
    counts = selectors.plan_initiative_counts(plan, TODAY)
    by_health = Counter(i.health for i in rows)
    assert [(r["health"], r["count"]) for r in counts["health"]] == [
        (h, by_health[h]) for h in (Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, Health.COMPLETED, "")
    ]
    assert sum(r["count"] for r in counts["health"]) == len(rows) == 378
    stale = [i for i in rows if selectors.is_stale(i, TODAY)]
    assert 0 < len(stale) < len(rows)
    assert counts["stale"] == len(stale)


def test_the_stale_list_is_the_ten_stalest_by_the_rule_in_python():
    plan = build_plan()
    stale = [i for i in loaded(plan) if selectors.is_stale(i, TODAY)]
    reference = {i.pk: i.last_update_on or i.start_date for i in stale}
    expected = sorted(stale, key=lambda i: (by_database(reference[i.pk]), i.code))[:10]
    assert [i.code for i in selectors.plan_stale_initiatives(plan, TODAY)] == [i.code for i in expected]


def test_the_plan_cadence_and_own_cadences_decide_staleness():
    # 31 days without an update: stale under the plan's 30 days, not under its own 60 or a plan's 45.
    plan = PlanFactory(update_cadence_days=30)
    InitiativeFactory(plan=plan, code="PLAN", status="on_track", last_update_on=day(-31))
    InitiativeFactory(plan=plan, code="OWN", status="on_track", last_update_on=day(-31), update_cadence_days=60)
    InitiativeFactory(plan=plan, code="EDGE", status="on_track", last_update_on=day(-30))  # exactly 30: not yet
    assert [i.code for i in selectors.plan_stale_initiatives(plan, TODAY)] == ["PLAN"]
    assert selectors.plan_initiative_counts(plan, TODAY)["stale"] == 1
    lenient = PlanFactory(update_cadence_days=45)
    InitiativeFactory(plan=lenient, code="LENIENT", status="on_track", last_update_on=day(-31))
    assert selectors.plan_initiative_counts(lenient, TODAY)["stale"] == 0


def test_deadlines_are_the_soonest_open_items_due_in_sixty_days_with_their_totals():
    plan = build_plan()
    rows = loaded(plan)
    until = day(selectors.DEADLINE_WINDOW_DAYS)
    due = [i for i in rows if i.status in OPEN and i.target_date and TODAY <= i.target_date <= until]
    milestones = [
        m for m in Milestone.objects.filter(initiative__plan=plan) if m.done_on is None and TODAY <= m.due <= until
    ]
    deadlines = selectors.plan_deadlines(plan, TODAY)
    assert deadlines["initiative_count"] == len(due) > 10
    assert [i.code for i in deadlines["initiatives"]] == [
        i.code for i in sorted(due, key=lambda i: (i.target_date, i.code))[:10]
    ]
    assert deadlines["milestone_count"] == len(milestones) > 10
    assert [m.pk for m in deadlines["milestones"]] == [
        m.pk for m in sorted(milestones, key=lambda m: (m.due, m.title))[:10]
    ]


def test_recently_completed_are_the_latest_five_completions():
    plan = build_plan()
    done = [i for i in loaded(plan) if i.status == InitiativeStatus.COMPLETED]
    expected = sorted(
        done,
        key=lambda i: (
            by_database(-i.completed_date.toordinal() if i.completed_date else None, descending=True),
            by_database(-i.last_update_on.toordinal() if i.last_update_on else None, descending=True),
            i.code,
        ),
    )[:5]
    assert [i.code for i in selectors.plan_recently_completed(plan)] == [i.code for i in expected]


@pytest.mark.parametrize(
    ("date", "days", "expected"),
    [
        (datetime.date(2024, 3, 1), 1, datetime.date(2024, 2, 29)),  # leap day
        (datetime.date(2026, 1, 15), 30, datetime.date(2025, 12, 16)),  # across a year
        (datetime.date(2026, 1, 15), 0, datetime.date(2026, 1, 15)),
    ],
)
def test_days_before_counts_whole_days_back_on_this_database(date, days, expected):
    InitiativeFactory()
    value = (
        Initiative.objects.annotate(d=selectors.DaysBefore(Value(date), Value(days)))
        .values_list("d", flat=True)
        .first()
    )
    assert value == expected


def explain(sql: str) -> str:
    """PostgreSQL's plan for `sql` with sequential scans, bitmap scans and sorts priced out: a list
    whose ORDER BY and filter match an index is then an index walk with no Sort node."""
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def statements(read, plan) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        read(plan)
    return [q["sql"] for q in captured.captured_queries if 'FROM "initiatives_initiative"' in q["sql"]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("read", "index"),
    [
        (lambda plan: selectors.plan_stale_initiatives(plan, TODAY), "initiative_plan_stale_order"),
        (lambda plan: selectors.plan_deadlines(plan, TODAY), "initiative_plan_target_date"),
        (lambda plan: selectors.plan_recently_completed(plan), "initiative_plan_completed"),
    ],
)
def test_each_dashboard_list_is_a_walk_of_its_index_in_the_lists_order(read, index):
    plan = build_plan()
    # The list itself: the statement with an ORDER BY … LIMIT (not its count).
    (sql,) = [sql for sql in statements(read, plan) if "LIMIT" in sql]
    plan_text = explain(sql)
    assert f"using {index}" in plan_text, plan_text
    assert "Sort" not in plan_text, plan_text


@pytest.mark.postgres
def test_the_dashboard_counts_read_only_their_indexes():
    # Index Only Scan: every column the count reads is in the index. (Whether the heap is skipped
    # as well depends on the visibility map, that is on how recently the table was vacuumed.)
    plan = build_plan()
    by_health, stale = statements(lambda plan: selectors.plan_initiative_counts(plan, TODAY), plan)
    assert "Index Only Scan using initiative_plan_health" in explain(by_health)
    assert "Index Only Scan using initiative_plan_stale_order" in explain(stale)
