"""Lists: filters named after fields, search, ordering, page-number pagination, and a number of
queries that does not grow with the number of rows."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goals.models import (
    BusinessDriver,
    Department,
    Goal,
    Metric,
    MetricReading,
    Objective,
    Pillar,
    Plan,
    Theme,
)
from initiatives.models import Initiative, ITRequest, Milestone, StatusUpdate
from initiatives.selectors import filter_stale
from planboard.core.progress import is_stale
from tests.factories import GoalFactory, InitiativeFactory, ObjectiveFactory, PlanFactory, ThemeFactory, UserFactory


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- Query counts ----------------------------------------------------------------------


def _add_rows(name: str, city, start: int, count: int) -> None:
    """`count` more rows for the list `name`, in the enterprise plan, each with its related rows."""
    numbers = range(start, start + count)
    plan, objective, initiative = city.enterprise, city.objective, city.initiative
    day = datetime.date(2020, 1, 1)
    if name == "departments":
        Department.objects.bulk_create(Department(name=f"Dept {i}", slug=f"dept-{i}") for i in numbers)
    elif name == "plans":
        Plan.objects.bulk_create(
            Plan(title=f"Plan {i}", slug=f"bulk-plan-{i}", start_fiscal_year=2022, end_fiscal_year=2026)
            for i in numbers
        )
    elif name in ("pillars", "drivers", "themes"):
        model = {"pillars": Pillar, "drivers": BusinessDriver, "themes": Theme}[name]
        model.objects.bulk_create(model(plan=plan, name=f"{name} {i}") for i in numbers)
    elif name == "goals":
        Goal.objects.bulk_create(Goal(plan=plan, number=100 + i, title=f"Goal {i}") for i in numbers)
    elif name == "objectives":
        rows = Objective.objects.bulk_create(Objective(goal=city.goal, code=f"9.{i}", title=f"O {i}") for i in numbers)
        Objective.aligned_to.through.objects.bulk_create(
            Objective.aligned_to.through(from_objective_id=o.pk, to_objective_id=objective.pk) for o in rows
        )
    elif name == "metrics":
        owner = UserFactory()
        Metric.objects.bulk_create(
            Metric(
                objective=objective,
                name=f"M {i}",
                unit="%",
                baseline=1,
                target=2,
                baseline_date=day,
                target_date=day + datetime.timedelta(days=365),
                owner=owner,
            )
            for i in numbers
        )
    elif name == f"metrics/{city.metric.pk}/readings":
        MetricReading.objects.bulk_create(
            MetricReading(metric=city.metric, period_end=day + datetime.timedelta(days=i), value=i) for i in numbers
        )
    elif name == "initiatives":
        theme = ThemeFactory(plan=plan)
        rows = Initiative.objects.bulk_create(
            Initiative(plan=plan, code=f"B-{i}", title=f"I {i}", theme=theme, department=city.dept_a) for i in numbers
        )
        Initiative.supports.through.objects.bulk_create(
            Initiative.supports.through(initiative_id=row.pk, objective_id=objective.pk) for row in rows
        )
    elif name == f"initiatives/{city.initiative.pk}/updates":
        StatusUpdate.objects.bulk_create(
            StatusUpdate(initiative=initiative, as_of=day, status="on_track", percent_complete=i % 100) for i in numbers
        )
    elif name == "milestones":
        Milestone.objects.bulk_create(Milestone(initiative=initiative, title=f"MS {i}", due=day) for i in numbers)
    elif name == "it-requests":
        rows = ITRequest.objects.bulk_create(
            ITRequest(department=city.dept_a, plan=plan, title=f"R {i}", amount=Decimal(i), fiscal_year=2025)
            for i in numbers
        )
        ITRequest.objectives.through.objects.bulk_create(
            ITRequest.objectives.through(itrequest_id=row.pk, objective_id=objective.pk) for row in rows
        )
    else:
        raise AssertionError(f"No rows for {name}")


LISTS = [
    "departments",
    "plans",
    "pillars",
    "drivers",
    "themes",
    "goals",
    "objectives",
    "metrics",
    "readings",
    "initiatives",
    "updates",
    "milestones",
    "it-requests",
]


@pytest.mark.parametrize("role", ["admin", "liaison"])
@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_10_and_500_rows(name, role, city, api, request):
    user = request.getfixturevalue("admin_user") if role == "admin" else city.liaison_a
    client = api(user)
    path = {
        "readings": f"metrics/{city.metric.pk}/readings",
        "updates": f"initiatives/{city.initiative.pk}/updates",
    }.get(name, name)
    url = f"/api/v1/{path}/?page_size=500"
    _add_rows(path, city, 0, 10)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    _add_rows(path, city, 10, 490)
    with CaptureQueriesContext(connection) as many:
        large = client.get(url)
    assert small.json()["count"] + 490 == large.json()["count"]
    assert len(large.json()["results"]) == min(500, large.json()["count"])
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_plan_export_costs_the_same_queries_for_a_small_and_a_large_plan(city, api, admin_user):
    client = api(admin_user)
    url = f"/api/v1/plans/{city.enterprise.pk}/export/"
    # The document streams: the queries are made as it is read.
    with CaptureQueriesContext(connection) as few:
        b"".join(client.get(url).streaming_content)
    for name in (
        "goals",
        "objectives",
        "metrics",
        "initiatives",
        f"initiatives/{city.initiative.pk}/updates",
        "milestones",
        "pillars",
    ):
        _add_rows(name, city, 0, 40)
    with CaptureQueriesContext(connection) as many:
        document = json.loads(b"".join(client.get(url).streaming_content))
    assert len(many) == len(few)
    assert len(document["goals"]) == 41
    assert len(document["initiatives"]) == 41


# --- Pagination --------------------------------------------------------------------------


def test_pages_follow_page_and_page_size(city, api, viewer):
    # The city has 3 goals; 5 more make 8: pages of 3 hold 3, 3 and 2.
    for number in range(2, 7):
        GoalFactory(plan=city.enterprise, number=number)
    client = api(viewer)
    first = client.get("/api/v1/goals/?page_size=3").json()
    last = client.get("/api/v1/goals/?page_size=3&page=3").json()
    assert (first["count"], len(first["results"]), len(last["results"])) == (8, 3, 2)
    assert "page=2" in first["next"] and last["next"] is None


def test_page_size_is_capped_at_500(city, api, viewer):
    _add_rows("departments", city, 0, 501)
    response = api(viewer).get("/api/v1/departments/?page_size=5000").json()
    # 2 city departments + 501 = 503 in all; one page holds 500 at most.
    assert (response["count"], len(response["results"])) == (503, 500)


def test_a_page_past_the_end_is_a_404_with_a_message(city, api, viewer):
    response = api(viewer).get("/api/v1/goals/?page=99")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- Filters, search, ordering -------------------------------------------------------------


def test_filters_named_after_fields(city, api, admin_user):
    client = api(admin_user)
    theme = ThemeFactory(plan=city.enterprise)
    owner = UserFactory()
    tagged = InitiativeFactory(plan=city.enterprise, theme=theme, owner=owner, department=city.dept_b, term="long")
    tagged.supports.add(city.objective)
    Initiative.objects.filter(pk=tagged.pk).update(status="at_risk", health="off_track")
    assert _ids(client.get(f"/api/v1/goals/?plan={city.plan_a.pk}")) == [city.goal_a.pk]
    assert _ids(client.get(f"/api/v1/objectives/?goal={city.goal_b.pk}")) == [city.objective_b.pk]
    assert _ids(client.get(f"/api/v1/objectives/?plan={city.plan_b.pk}")) == [city.objective_b.pk]
    assert _ids(client.get(f"/api/v1/metrics/?objective={city.objective_a.pk}")) == [city.metric_a.pk]
    assert _ids(client.get(f"/api/v1/metrics/?goal={city.goal.pk}")) == [city.metric.pk]
    for query in (
        f"theme={theme.pk}",
        f"owner={owner.pk}",
        "status=at_risk",
        "health=off_track",
        "term=long",
        f"objective={city.objective.pk}",
        f"goal={city.goal.pk}",
    ):
        assert _ids(client.get(f"/api/v1/initiatives/?{query}")) == [tagged.pk], query
    assert set(_ids(client.get(f"/api/v1/initiatives/?department={city.dept_b.pk}"))) == {
        tagged.pk,
        city.initiative_b.pk,
    }
    assert _ids(client.get(f"/api/v1/plans/?department={city.dept_a.pk}")) == [city.plan_a.pk]


def test_filtering_by_an_id_the_caller_cannot_see_finds_nothing(city, api):
    response = api(city.member_b).get(f"/api/v1/goals/?plan={city.plan_a.pk}")
    assert _ids(response) == []


@pytest.mark.parametrize("query", ["status=finished", "plan=abc", "stale=perhaps", "term=medium"])
def test_an_unreadable_filter_value_is_a_400_naming_the_filter(query, city, api, viewer):
    response = api(viewer).get(f"/api/v1/initiatives/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_search_and_ordering(city, api, viewer):
    ObjectiveFactory(goal=city.goal, code="1.2", title="Replace the water billing system")
    client = api(viewer)
    found = client.get("/api/v1/objectives/?search=billing").json()["results"]
    assert [o["code"] for o in found] == ["1.2"]
    for number in (4, 3):
        GoalFactory(plan=city.enterprise, number=number)
    numbers = [
        g["number"] for g in client.get(f"/api/v1/goals/?plan={city.enterprise.pk}&ordering=-number").json()["results"]
    ]
    assert numbers == [4, 3, 1]


# --- Stale ----------------------------------------------------------------------------------

TODAY = datetime.date(2024, 3, 31)
STALE_CASES = [
    # status, last update, start date, own cadence (plan: 30 days), stale?
    ("on_track", TODAY - datetime.timedelta(days=30), None, None, False),  # exactly 30 days: not yet
    ("on_track", TODAY - datetime.timedelta(days=31), None, None, True),
    ("on_track", TODAY - datetime.timedelta(days=8), None, 7, True),  # own weekly cadence
    ("on_track", TODAY - datetime.timedelta(days=7), None, 7, False),
    ("at_risk", None, TODAY - datetime.timedelta(days=31), None, True),  # no update: from the start date
    ("not_started", None, TODAY + datetime.timedelta(days=10), None, False),  # starts later
    ("not_started", None, None, None, True),  # neither date
    ("completed", TODAY - datetime.timedelta(days=400), None, None, False),
    ("on_hold", TODAY - datetime.timedelta(days=400), None, None, False),
    ("cancelled", None, None, None, False),
]


@pytest.mark.parametrize(("status", "last_update", "start", "cadence", "expected"), STALE_CASES)
def test_stale_filter_applies_the_progress_engines_rule(status, last_update, start, cadence, expected, db):
    initiative = InitiativeFactory(
        plan=PlanFactory(update_cadence_days=30), start_date=start, target_date=None, update_cadence_days=cadence
    )
    Initiative.objects.filter(pk=initiative.pk).update(
        status=status, last_update_on=last_update, percent_complete=100 if status == "completed" else 0
    )
    assert (
        is_stale(status=status, last_update_on=last_update, start_date=start, cadence_days=cadence or 30, today=TODAY)
        is expected
    )
    stale = filter_stale(Initiative.objects.all(), True, today=TODAY)
    fresh = filter_stale(Initiative.objects.all(), False, today=TODAY)
    assert (stale.filter(pk=initiative.pk).exists(), fresh.filter(pk=initiative.pk).exists()) == (
        expected,
        not expected,
    )


def test_stale_filter_through_the_api(city, api, viewer):
    today = timezone.localdate()
    Initiative.objects.filter(pk=city.initiative.pk).update(last_update_on=today - datetime.timedelta(days=45))
    Initiative.objects.filter(pk=city.initiative_a.pk).update(last_update_on=today)
    Initiative.objects.filter(pk=city.initiative_b.pk).update(last_update_on=today, status="on_track")
    client = api(viewer)
    assert _ids(client.get("/api/v1/initiatives/?stale=true")) == [city.initiative.pk]
    assert set(_ids(client.get("/api/v1/initiatives/?stale=false"))) == {city.initiative_a.pk, city.initiative_b.pk}
    assert client.get(f"/api/v1/initiatives/{city.initiative.pk}/").json()["stale"] is True
