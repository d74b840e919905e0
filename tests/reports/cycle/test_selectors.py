"""What an owner owes now (items_owed) and the CIO's tracker (reporting_tracker), figures worked
out by hand, and their query counts for 10 and for 500 items."""

import datetime

import pytest
from django.utils import timezone

from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from initiatives.services import initiative_post_update
from reports.cycle.selectors import items_owed, reporting_tracker
from reports.cycle.services import period_close
from reports.recalculation import plan_recalculate
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MetricFactory,
    ObjectiveFactory,
    PlanFactory,
    ReadingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
# The plan reports quarterly with a July fiscal year, due 15 days after a quarter: on 20 January
# 2025, Oct-Dec 2024 (FY2025 Q2, due 15 January) is past due and Jan-Mar 2025 is the current one.
TODAY = D(2025, 1, 20)


@pytest.fixture
def plan():
    return PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027)


@pytest.fixture
def owner():
    return UserFactory(username="owner", first_name="Ana", last_name="Diaz")


def _update(initiative, author, as_of, period_ends_on=None):
    initiative.refresh_from_db()
    return initiative_post_update(
        initiative=initiative,
        author=author,
        status="on_track",
        percent_complete=30,
        as_of=as_of,
        version=initiative.version,
        period_ends_on=period_ends_on,
    )


def test_an_update_reports_for_the_period_owed_on_its_date(plan, owner):
    initiative = InitiativeFactory(plan=plan, owner=owner)
    assert _update(initiative, owner, D(2025, 1, 10)).period_ends_on == D(2024, 12, 31)  # Oct-Dec, due 15 Jan
    assert _update(initiative, owner, D(2025, 1, 16)).period_ends_on == D(2025, 3, 31)  # Jan-Mar


def test_a_period_end_that_is_no_period_end_is_refused(plan, owner):
    from django.core.exceptions import ValidationError

    initiative = InitiativeFactory(plan=plan, owner=owner)
    with pytest.raises(ValidationError) as error:
        _update(initiative, owner, D(2025, 1, 10), period_ends_on=D(2024, 12, 30))
    assert "period_ends_on" in error.value.message_dict
    assert not StatusUpdate.objects.exists()


def test_the_recalculation_caches_the_reporting_figures(plan, owner):
    reported = InitiativeFactory(plan=plan, owner=owner, code="A")
    late = InitiativeFactory(plan=plan, owner=owner, code="B")
    on_hold = InitiativeFactory(plan=plan, owner=owner, code="C", status=InitiativeStatus.ON_HOLD)
    _update(reported, owner, D(2025, 1, 17))  # reports for Jan-Mar 2025
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    reported.refresh_from_db()
    late.refresh_from_db()
    on_hold.refresh_from_db()
    assert (reported.report_state, reported.report_due_on, reported.reported_through) == (
        "reported",
        D(2025, 4, 15),
        D(2025, 3, 31),
    )
    assert (late.report_state, late.report_due_on, late.reported_through) == ("late", D(2025, 1, 15), None)
    assert (on_hold.report_state, on_hold.report_due_on) == ("", None)


def test_the_recalculation_writes_only_rows_whose_reporting_changed(plan, owner, django_assert_num_queries):
    InitiativeFactory(plan=plan, owner=owner)
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    stamp = Initiative.objects.get().computed_at
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    assert Initiative.objects.get().computed_at == stamp  # nothing changed: the row is left alone
    # After Jan-Mar's due date has passed too, the state is the same (late) but the due date moves.
    plan_recalculate(plan_id=plan.pk, today=D(2025, 4, 20))
    initiative = Initiative.objects.get()
    assert initiative.computed_at != stamp
    assert (initiative.report_state, initiative.report_due_on) == ("late", D(2025, 4, 15))


def test_items_owed_lists_due_and_late_items_with_their_previous_report(plan, owner):
    late = InitiativeFactory(plan=plan, owner=owner, code="A")
    due = InitiativeFactory(plan=plan, owner=owner, code="B")
    done = InitiativeFactory(plan=plan, owner=owner, code="C")
    InitiativeFactory(plan=plan, owner=owner, code="D", status=InitiativeStatus.CANCELLED)
    InitiativeFactory(plan=plan, code="E")  # someone else's
    _update(late, owner, D(2024, 9, 1))  # Jul-Sep only: Oct-Dec is missing and past due
    previous = _update(due, owner, D(2025, 1, 10))  # Oct-Dec: Jan-Mar is owed next
    _update(done, owner, D(2025, 1, 18))  # Jan-Mar already
    metric = MetricFactory(objective=ObjectiveFactory(goal__plan=plan), owner=owner, frequency="annual")
    reading = ReadingFactory(metric=metric, period_end=D(2024, 6, 30))  # FY2024; FY2025 ends June 2025
    plan_recalculate(plan_id=plan.pk, today=TODAY)

    owed = items_owed(user=owner, today=TODAY)
    assert [(o.kind, str(o.item.code if o.kind == "initiative" else o.item), o.state) for o in owed] == [
        ("initiative", "A", "late"),
        ("initiative", "B", "due"),
        ("metric", str(metric), "due"),
    ]
    assert (owed[0].period.key, owed[0].due_on) == ("FY2025-Q2", D(2025, 1, 15))
    assert (owed[1].period.key, owed[1].previous) == ("FY2025-Q3", previous)
    assert (owed[2].period.key, owed[2].due_on, owed[2].previous) == ("FY2025", D(2025, 7, 15), reading)


def test_a_late_item_whose_period_is_closed_owes_the_current_period(plan, owner, admin_user):
    """After the CIO closes Oct-Dec 2024, its updates are refused; the late item must not stay on
    the owner's list for a period it can no longer report for: it owes Jan-Mar 2025 instead, and
    the recalculation that the closing queues caches the same."""
    late = InitiativeFactory(plan=plan, owner=owner, code="A")
    _update(late, owner, D(2024, 9, 1))  # Jul-Sep only: Oct-Dec missing, past due on 20 January
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    assert [(o.period.key, o.state) for o in items_owed(user=owner, today=TODAY)] == [("FY2025-Q2", "late")]

    period_close(plan=plan, period=plan.period_from_key("FY2025-Q2"), actor=admin_user, today=TODAY)

    assert [(o.period.key, o.state) for o in items_owed(user=owner, today=TODAY)] == [("FY2025-Q3", "due")]
    plan_recalculate(plan_id=plan.pk, today=TODAY)
    late.refresh_from_db()
    assert (late.report_state, late.report_due_on) == ("due", D(2025, 4, 15))


def _many_initiatives(plan, owner, count):
    department = DepartmentFactory()
    Initiative.objects.bulk_create(
        Initiative(plan=plan, code=f"N-{n}", title=f"Initiative {n}", owner=owner, department=department)
        for n in range(count)
    )
    rows = [
        StatusUpdate(
            initiative=i,
            as_of=D(2025, 1, 5),
            status="on_track",
            percent_complete=10,
            period_ends_on=D(2024, 12, 31),
            created_at=timezone.make_aware(datetime.datetime(2025, 1, 5, 12)),
        )
        for i in Initiative.objects.filter(plan=plan)[: count // 2]
    ]
    StatusUpdate.objects.bulk_create(rows)
    plan_recalculate(plan_id=plan.pk, today=TODAY)


@pytest.mark.parametrize("count", [10, 500])
def test_items_owed_costs_five_queries_however_many_items(plan, owner, count, django_assert_num_queries):
    _many_initiatives(plan, owner, count)
    MetricFactory(objective=ObjectiveFactory(goal__plan=plan), owner=owner)
    # the user's roles (2), initiatives, their latest updates, metrics (no reading: none to read)
    with django_assert_num_queries(5):
        owed = items_owed(user=owner, today=TODAY)
    assert len(owed) == count + 1


@pytest.mark.parametrize("count", [10, 500])
def test_the_tracker_costs_one_query_however_many_items(plan, owner, count, django_assert_num_queries):
    _many_initiatives(plan, owner, count)
    period = plan.period_from_key("FY2025-Q2")
    with django_assert_num_queries(1):
        tracker = reporting_tracker(plan=plan, period=period, today=TODAY)
    assert (tracker.total.owed, tracker.total.reported, tracker.total.on_time) == (count, count // 2, count // 2)


def test_the_tracker_counts_by_department_and_owner(plan, owner):
    parks, water = DepartmentFactory(name="Parks"), DepartmentFactory(name="Water")
    other = UserFactory(username="bo")
    on_time = InitiativeFactory(plan=plan, owner=owner, department=parks, code="A")
    late = InitiativeFactory(plan=plan, owner=owner, department=water, code="B")
    InitiativeFactory(plan=plan, owner=other, department=water, code="C")  # never reported
    InitiativeFactory(plan=plan, owner=other, code="D", status=InitiativeStatus.ON_HOLD)  # owes nothing
    InitiativeFactory(plan=plan, code="E", start_date=D(2025, 1, 2), target_date=D(2026, 1, 1))  # began after
    # Both report for Oct-Dec (due 15 January); A was posted on 10 January, B on the 17th.
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            initiative=initiative,
            as_of=D(2025, 1, 10),
            status="on_track",
            percent_complete=30,
            period_ends_on=D(2024, 12, 31),
            created_at=timezone.make_aware(datetime.datetime(2025, 1, day, 9)),
        )
        for initiative, day in ((on_time, 10), (late, 17))
    )
    tracker = reporting_tracker(plan=plan, period=plan.period_from_key("FY2025-Q2"), today=TODAY)
    # Owed: A, B, C (D on hold, E began after the quarter). Reported: A on time, B late; C missing, late.
    assert (tracker.total.owed, tracker.total.reported, tracker.total.on_time, tracker.total.late) == (3, 2, 1, 2)
    assert [(r.label, r.owed, r.reported, r.late) for r in tracker.by_department] == [
        ("Parks", 1, 1, 0),
        ("Water", 2, 1, 2),
    ]
    assert [(r.label, r.owed, r.on_time, r.share_on_time) for r in tracker.by_owner] == [
        ("Ana Diaz", 2, 1, 0.5),
        ("bo", 1, 0, 0.0),
    ]
    assert [(i.code, i.state) for i in tracker.items] == [("A", "on_time"), ("B", "late"), ("C", "late")]
