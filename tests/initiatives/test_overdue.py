"""Overdue everywhere: the initiative list's filter (page and API), the dashboard's "Late and
overdue", all by the rule of planboard.core.progress.is_overdue, in the city's today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from initiatives.models import InitiativeStatus
from initiatives.overdue import filter_overdue, plan_late_items
from tests.factories import InitiativeFactory, MilestoneFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(today):
    return PlanFactory(slug="stp", is_published=True, start_fiscal_year=today.year - 2, end_fiscal_year=today.year + 2)


def _initiative(plan, code, status, target, **kwargs):
    percent = 100 if status == InitiativeStatus.COMPLETED else 40
    return InitiativeFactory(
        plan=plan,
        code=code,
        status=status,
        percent_complete=percent,
        start_date=target - datetime.timedelta(days=400),
        target_date=target,
        **kwargs,
    )


@pytest.fixture
def mix(plan, today):
    """Past target: L-1 on track, L-2 on hold (both overdue), L-3 completed, L-4 cancelled (not);
    L-5 due today and L-6 due next month (not yet)."""
    yesterday, earlier = today - datetime.timedelta(days=1), today - datetime.timedelta(days=90)
    rows = {
        "L-1": _initiative(plan, "L-1", InitiativeStatus.ON_TRACK, yesterday),
        "L-2": _initiative(plan, "L-2", InitiativeStatus.ON_HOLD, earlier),
        "L-3": _initiative(plan, "L-3", InitiativeStatus.COMPLETED, earlier, completed_date=earlier),
        "L-4": _initiative(plan, "L-4", InitiativeStatus.CANCELLED, earlier),
        "L-5": _initiative(plan, "L-5", InitiativeStatus.AT_RISK, today),
        "L-6": _initiative(plan, "L-6", InitiativeStatus.ON_TRACK, today + datetime.timedelta(days=30)),
    }
    MilestoneFactory(initiative=rows["L-6"], title="Vendor chosen", due=yesterday)
    MilestoneFactory(initiative=rows["L-6"], title="Contract signed", due=earlier, done_on=earlier)
    MilestoneFactory(initiative=rows["L-6"], title="Go-live", due=today)
    # A completed initiative's open milestone is history, not a late item.
    MilestoneFactory(initiative=rows["L-3"], title="Lessons learned", due=earlier)
    return rows


def test_the_filter_keeps_past_target_initiatives_not_completed_or_cancelled(plan, mix, today):
    overdue = filter_overdue(plan.initiatives.all(), True, today)
    assert sorted(overdue.values_list("code", flat=True)) == ["L-1", "L-2"]
    others = filter_overdue(plan.initiatives.all(), False, today)
    assert sorted(others.values_list("code", flat=True)) == ["L-3", "L-4", "L-5", "L-6"]


def test_the_filter_judges_as_of_the_date_given(plan, mix, today):
    # Ninety-one days ago neither L-1 nor L-2 had reached its target date.
    then = today - datetime.timedelta(days=90)
    assert not filter_overdue(plan.initiatives.all(), True, then).exists()


def test_the_dashboard_lists_late_initiatives_and_milestones(client, plan, mix, today):
    late = plan_late_items(plan, today)
    assert [i.code for i in late.initiatives] == ["L-2", "L-1"]  # longest overdue first
    assert [m.title for m in late.milestones] == ["Vendor chosen"]
    response = client.get(reverse("plan-dashboard", args=[plan.slug]))
    section = response.content.decode().split('id="late"')[1].split("</section>")[0]
    assert "Late and overdue" in response.content.decode()
    assert "2 initiatives past their target date" in section
    assert "1 milestone past due" in section
    assert "L-1" in section and "L-2" in section and "L-3" not in section and "L-4" not in section
    assert "⚠ Overdue" in section and "Vendor chosen" in section and "Go-live" not in section


def test_the_initiative_list_filters_and_marks_overdue_ones(client, plan, mix):
    page = client.get(reverse("initiative-list", args=[plan.slug]), {"overdue": "yes"}).content.decode()
    assert "2 initiatives match" in page
    assert "L-1" in page and "L-2" in page and "L-5" not in page
    assert page.count("⚠ Overdue") == 2
    rest = client.get(reverse("initiative-list", args=[plan.slug]), {"overdue": "no"}).content.decode()
    assert "4 initiatives match" in rest and "⚠ Overdue" not in rest


def test_the_api_filters_overdue_and_says_so_per_initiative(plan, mix):
    api = APIClient()
    api.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    answer = api.get("/api/v1/initiatives/", {"plan": plan.pk, "overdue": "true"}).json()
    assert sorted(row["code"] for row in answer["results"]) == ["L-1", "L-2"]
    assert all(row["overdue"] for row in answer["results"])
    answer = api.get("/api/v1/initiatives/", {"plan": plan.pk, "overdue": "false"}).json()
    assert sorted(row["code"] for row in answer["results"]) == ["L-3", "L-4", "L-5", "L-6"]
    assert not any(row["overdue"] for row in answer["results"])
    assert api.get("/api/v1/initiatives/", {"overdue": "maybe"}).status_code == 400


def test_late_updates_and_readings_show_on_the_dashboard_and_filter_the_list(client, plan, mix, today):
    from initiatives.models import Initiative
    from tests.factories import GoalFactory, MetricFactory, ObjectiveFactory

    due = today - datetime.timedelta(days=5)
    # The cached reporting figures, as the recalculation writes them.
    Initiative.objects.filter(code="L-6").update(report_state="late", report_due_on=due)
    Initiative.objects.filter(code="L-5").update(report_state="due", report_due_on=today)
    objective = ObjectiveFactory(goal=GoalFactory(plan=plan, number=9))
    MetricFactory(objective=objective, name="Phishing click rate", report_state="late", report_due_on=due)
    late = plan_late_items(plan, today)
    assert [i.code for i in late.reports] == ["L-6"] and late.report_count == 1
    assert [m.name for m in late.metrics] == ["Phishing click rate"] and late.metric_count == 1
    section = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode().split('id="late"')[1]
    section = section.split("</section>")[0]
    assert "1 status update and 1 metric reading late" in section
    assert "⚠ Update late" in section and "⚠ Reading late" in section and "Phishing click rate" in section

    page = client.get(reverse("initiative-list", args=[plan.slug]), {"report_state": "late"}).content.decode()
    assert "1 initiative matches" in page and "L-6" in page and "⚠ Update late" in page
    api = APIClient()
    api.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    answer = api.get("/api/v1/initiatives/", {"plan": plan.pk, "report_state": "late"}).json()
    assert [(row["code"], row["report_state"]) for row in answer["results"]] == [("L-6", "late")]
    assert api.get("/api/v1/initiatives/", {"report_state": "tardy"}).status_code == 400


def test_the_late_list_costs_eight_queries_for_few_or_many_rows(plan, mix, today, django_assert_max_num_queries):
    # Overdue initiatives, milestones, late updates and late readings: a page and a count each = 8.
    with django_assert_max_num_queries(8):
        few = plan_late_items(plan, today)
    for n in range(60):
        item = _initiative(plan, f"M-{n}", InitiativeStatus.AT_RISK, today - datetime.timedelta(days=n + 1))
        MilestoneFactory(initiative=item, due=today - datetime.timedelta(days=2))
    with django_assert_max_num_queries(8):
        many = plan_late_items(plan, today)
    assert (few.initiative_count, many.initiative_count) == (2, 62)
    assert len(many.initiatives) == 10 and many.milestone_count == 61
