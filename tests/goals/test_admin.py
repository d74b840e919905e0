"""The admin a CIO sets a plan up with: who may change what, errors shown on the form, the plan
marked for recalculation, and list pages whose query count does not grow with their rows."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goals.models import DepartmentMembership, Goal, Metric, Pillar, Plan, ReportingPeriod
from initiatives.models import StatusUpdate
from reports.models import PlanExport, ProgressSnapshot, ReportCard
from tests.factories import (
    AlignmentScoreFactory,
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    GoalFactory,
    InitiativeFactory,
    ITRequestFactory,
    MembershipFactory,
    MetricFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ReadingFactory,
    ThemeFactory,
    UserFactory,
)
from tests.planboard.test_audit import admin_form_data, change_url

pytestmark = pytest.mark.django_db


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def cio(admin_user):
    return staff(admin_user)


def liaison_of(department, username="liaison"):
    user = staff(UserFactory(username=username))
    MembershipFactory(user=user, department=department, role=DepartmentMembership.Role.LIAISON)
    return user


def post_change(client, obj, **changes):
    url = change_url(obj)
    return client.post(url, admin_form_data(client.get(url), **changes))


# --- Who may change what -------------------------------------------------------------------------


def test_viewer_reads_list_pages_but_a_change_is_refused_and_nothing_stored(client, viewer, cio):
    goal = GoalFactory(title="Improve cyber security")
    client.force_login(cio)
    data = admin_form_data(client.get(change_url(goal)), title="Renamed by a viewer")
    client.force_login(staff(viewer))

    lists = [client.get(reverse(f"admin:goals_{name}_changelist")) for name in ("plan", "goal", "objective", "metric")]
    page = client.get(change_url(goal))
    response = client.post(change_url(goal), data)

    assert [r.status_code for r in lists] == [200, 200, 200, 200]
    assert page.status_code == 200 and page.context["title"] == "View goal"
    assert response.status_code == 403
    assert Goal.objects.get().title == "Improve cyber security"
    assert client.get(reverse("admin:goals_goal_add")).status_code == 403


def test_plan_editor_changes_the_enterprise_plan_but_not_a_department_plan(client, editor):
    enterprise_goal = GoalFactory(title="Enterprise goal")
    department_goal = GoalFactory(plan=DepartmentPlanFactory(), title="Department goal")
    client.force_login(staff(editor))

    allowed = post_change(client, enterprise_goal, title="Enterprise goal, revised")
    refused = post_change(client, department_goal, title="Changed by the editor")

    assert allowed.status_code == 302 and refused.status_code == 403
    assert Goal.objects.get(pk=enterprise_goal.pk).title == "Enterprise goal, revised"
    assert Goal.objects.get(pk=department_goal.pk).title == "Department goal"


def test_liaison_changes_their_department_plan_goal_but_not_another_departments(client):
    water, police = DepartmentFactory(name="Water Services"), DepartmentFactory(name="Police")
    own_goal = GoalFactory(plan=DepartmentPlanFactory(department=water), title="Meter data")
    # Published, so the liaison can read it: the refusal is about changing, not seeing.
    other_goal = GoalFactory(plan=DepartmentPlanFactory(department=police, is_published=True), title="Body cameras")
    liaison = liaison_of(water)
    client.force_login(liaison)

    allowed = post_change(client, own_goal, title="Smart meter data")
    refused = post_change(client, other_goal, title="Changed by Water")

    assert allowed.status_code == 302 and refused.status_code == 403
    assert Goal.objects.get(pk=own_goal.pk).title == "Smart meter data"
    assert Goal.objects.get(pk=own_goal.pk).history.latest().history_user == liaison
    assert Goal.objects.get(pk=other_goal.pk).title == "Body cameras"


def test_liaison_cannot_move_a_goal_into_another_departments_plan(client):
    water, police = DepartmentFactory(), DepartmentFactory()
    own_goal = GoalFactory(plan=DepartmentPlanFactory(department=water))
    other_plan = DepartmentPlanFactory(department=police, is_published=True)
    client.force_login(liaison_of(water))

    response = post_change(client, own_goal, plan=str(other_plan.pk))

    assert response.status_code == 200
    # A goal never moves, whoever could edit the target plan: goal_update refuses, as in the API.
    assert "cannot be moved" in response.context["adminform"].form.errors["plan"][0]
    assert Goal.objects.get().plan_id == own_goal.plan_id


def test_liaison_may_create_a_plan_for_their_department_only(client):
    water, police = DepartmentFactory(), DepartmentFactory()
    client.force_login(liaison_of(water))
    url = reverse("admin:goals_plan_add")
    base = admin_form_data(
        client.get(url),
        title="Water IT plan",
        slug="water-it",
        scope="department",
        start_fiscal_year="2024",
        end_fiscal_year="2026",
    )

    refused = client.post(url, {**base, "department": str(police.pk)})
    allowed = client.post(url, {**base, "department": str(water.pk)})

    assert "choose your own department" in refused.context["adminform"].form.errors["department"][0]
    assert allowed.status_code == 302
    assert list(Plan.objects.values_list("department", flat=True)) == [water.pk]


def test_a_change_on_a_stale_page_is_refused_and_nothing_stored(client, cio):
    goal = GoalFactory(title="Original")
    client.force_login(cio)
    opened = admin_form_data(client.get(change_url(goal)), title="My change")
    post_change(client, goal, title="Someone else's change")  # version 1 → 2

    response = client.post(change_url(goal), opened)

    assert response.status_code == 200
    assert "changed by someone else" in response.context["adminform"].form.non_field_errors()[0]
    assert Goal.objects.get().title == "Someone else's change"


# --- Bad input is a form error naming the field, never a server error ----------------------------


def test_duplicate_goal_number_is_a_form_error(client, cio):
    plan = PlanFactory()
    GoalFactory(plan=plan, number=1)
    second = GoalFactory(plan=plan, number=2, title="Second")
    client.force_login(cio)

    response = post_change(client, second, number="1")

    assert response.status_code == 200
    assert "already has a goal numbered 1" in response.context["adminform"].form.errors["number"][0]
    assert Goal.objects.get(pk=second.pk).number == 2


def test_metric_target_equal_to_baseline_is_a_form_error_on_target(client, cio):
    metric = MetricFactory(baseline=Decimal("50"), target=Decimal("90"))
    client.force_login(cio)

    response = post_change(client, metric, target="50")

    assert response.status_code == 200
    assert "target" in response.context["adminform"].form.errors
    assert Metric.objects.get().target == Decimal("90")


def test_plan_whose_last_year_comes_first_is_a_form_error(client, cio):
    plan = PlanFactory(start_fiscal_year=2022, end_fiscal_year=2026)
    client.force_login(cio)

    response = post_change(client, plan, end_fiscal_year="2020")

    assert response.context["adminform"].form.errors["end_fiscal_year"] == [
        "The last fiscal year cannot come before the first."
    ]
    assert Plan.objects.get().end_fiscal_year == 2026


# --- Saving plan data marks the plan for recalculation -------------------------------------------


def test_saving_a_goal_marks_its_plan_for_recalculation(client, cio):
    goal = GoalFactory()
    client.force_login(cio)

    post_change(client, goal, weight="2")

    assert Plan.objects.get().needs_recalculation is True


def test_deleting_a_metric_marks_its_plan_for_recalculation(client, cio):
    metric = MetricFactory()
    client.force_login(cio)

    response = client.post(reverse("admin:goals_metric_delete", args=[metric.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Metric.objects.exists()
    assert Plan.objects.get().needs_recalculation is True


def test_pillar_added_on_the_plan_page_is_stored_and_marks_the_plan(client, cio):
    plan = PlanFactory()
    client.force_login(cio)
    url = change_url(plan)
    page = client.get(url)
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is Pillar)

    response = client.post(
        url,
        admin_form_data(
            page,
            **{
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-0-name": "One IT",
                f"{prefix}-0-weight": "1",
                f"{prefix}-0-order": "0",
            },
        ),
    )

    assert response.status_code == 302
    assert list(plan.pillars.values_list("name", flat=True)) == ["One IT"]
    assert Plan.objects.get().needs_recalculation is True


# --- Every list page renders, and its query count does not grow with its rows --------------------


def _report_card(n: int, plan=None):
    return ReportCard.objects.create(plan=plan or PlanFactory(), fiscal_year=2024, revision=n + 1)


def _snapshot(n: int):
    plan = PlanFactory()
    return ProgressSnapshot.objects.create(
        plan=plan, node_type="plan", node_id=plan.pk, taken_on=datetime.date(2024, 1, 1), progress=0.5
    )


def _status_update(n: int):
    return StatusUpdate.objects.create(
        initiative=InitiativeFactory(owner=UserFactory()),
        as_of=datetime.date(2024, 1, 1),
        status="on_track",
        percent_complete=10,
        author=UserFactory(),
    )


def _closed_period(n: int):
    plan = PlanFactory()
    period = plan.period_from_key("FY2023-Q1")
    closed = ReportingPeriod.closing(plan, period, closed_at=timezone.now(), closed_by=UserFactory())
    closed.save()
    return closed


def _driver(n: int):
    plan = PlanFactory()
    return DriverFactory(plan=plan, pillar=PillarFactory(plan=plan))


def _initiative(n: int):
    plan = PlanFactory()
    return InitiativeFactory(
        plan=plan, theme=ThemeFactory(plan=plan), department=DepartmentFactory(), owner=UserFactory()
    )


# One row of each admin's model; each row has its own plan, department and people, so a query per row shows.
ROW_MAKERS = {
    "goals.department": lambda n: MembershipFactory().department,
    "goals.departmentmembership": lambda n: MembershipFactory(),
    "goals.plan": lambda n: DepartmentPlanFactory() if n % 2 else PlanFactory(),
    "goals.pillar": lambda n: PillarFactory(),
    "goals.businessdriver": _driver,
    "goals.theme": lambda n: ThemeFactory(),
    "goals.goal": lambda n: GoalFactory(),
    "goals.objective": lambda n: ObjectiveFactory(),
    "goals.metric": lambda n: MetricFactory(owner=UserFactory()),
    "goals.metricreading": lambda n: ReadingFactory(entered_by=UserFactory()),
    "goals.reportingperiod": _closed_period,
    "initiatives.initiative": _initiative,
    "initiatives.statusupdate": _status_update,
    "initiatives.milestone": lambda n: MilestoneFactory(),
    "initiatives.alignmentscore": lambda n: AlignmentScoreFactory(),
    "initiatives.itrequest": lambda n: ITRequestFactory(requested_by=UserFactory()),
    "reports.reportcard": _report_card,
    "reports.progresssnapshot": _snapshot,
    "reports.planexport": lambda n: PlanExport.objects.create(plan=PlanFactory(), requested_by=UserFactory()),
}


def test_every_planboard_model_has_an_admin_covered_here():
    registered = {
        m._meta.label_lower for m in admin.site._registry if m._meta.app_label in {"goals", "initiatives", "reports"}
    }
    assert registered == set(ROW_MAKERS)


@pytest.mark.parametrize("label", sorted(ROW_MAKERS))
def test_changelist_renders_and_its_query_count_does_not_grow_with_rows(
    client, cio, label, django_assert_max_num_queries
):
    make = ROW_MAKERS[label]
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")
    client.force_login(cio)
    for n in range(3):
        make(n)
    with CaptureQueriesContext(connection) as three_rows:
        first = client.get(url)
    for n in range(3, 30):
        make(n)

    # 30 rows may cost no more queries than 3 did: nothing is loaded row by row.
    with django_assert_max_num_queries(len(three_rows.captured_queries)):
        second = client.get(url)

    assert first.status_code == 200 and second.status_code == 200
    assert first.context["cl"].result_count == 3 and second.context["cl"].result_count == 30


# Made by their services (the nightly run, the closing of a period, an export).
NO_ADD_PAGE = {"reports.reportcard", "reports.progresssnapshot", "reports.planexport", "goals.reportingperiod"}


@pytest.mark.parametrize("label", sorted(ROW_MAKERS))
def test_add_change_and_history_pages_render_for_the_cio(client, cio, label):
    obj = ROW_MAKERS[label](0)
    prefix = f"admin:{label.replace('.', '_')}"
    client.force_login(cio)

    pages = {
        "add": client.get(reverse(f"{prefix}_add")).status_code,
        "change": client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code,
        "history": client.get(reverse(f"{prefix}_history", args=[obj.pk])).status_code,
    }
    if hasattr(obj, "history"):
        past = reverse(f"{prefix}_simple_history", args=[obj.pk, obj.history.latest().history_id])
        pages["past version"] = client.get(past).status_code

    expected_add = 403 if label in NO_ADD_PAGE else 200
    assert pages == {"add": expected_add, "change": 200, "history": 200} | (
        {"past version": 200} if hasattr(obj, "history") else {}
    )
