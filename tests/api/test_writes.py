"""Writes through the API: create, read, replace, change and delete every resource; the version
check; read-only fields that cannot be assigned; links that must stay inside the right plan."""

import pytest
from django.apps import apps

from goals.models import Goal, Plan, PlanChange
from initiatives.models import Initiative, ITRequest
from tests.api.test_matrix import Targets, _prefix
from tests.factories import DepartmentPlanFactory, ObjectiveFactory, StatusUpdateFactory

MODELS = {
    "department": "goals.Department",
    "plan": "goals.Plan",
    "pillar": "goals.Pillar",
    "driver": "goals.BusinessDriver",
    "theme": "goals.Theme",
    "goal": "goals.Goal",
    "objective": "goals.Objective",
    "metric": "goals.Metric",
    "initiative": "initiatives.Initiative",
    "milestone": "initiatives.Milestone",
    "it-request": "initiatives.ITRequest",
}
# A field each resource lets you change, and a new value for it.
CHANGES = {
    "department": ("name", "Parks and Recreation"),
    "plan": ("title", "Plan, revised"),
    "pillar": ("name", "Agility"),
    "driver": ("name", "Smart sourcing"),
    "theme": ("name", "Governance & Security"),
    "goal": ("title", "Better services"),
    "objective": ("title", "Patch faster"),
    "metric": ("unit", "hours"),
    "initiative": ("title", "New data centre"),
    "milestone": ("title", "Go live"),
    "it-request": ("title", "Replacement meter readers"),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_administrator_creates_reads_replaces_changes_and_deletes(name, city, api, admin_user):
    model = apps.get_model(MODELS[name])
    client = api(admin_user)
    url = f"/api/v1/{_prefix(name)}/"
    data = Targets(city).create_data(name)

    created = client.post(url, data, format="json")
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["version"] == 1
    assert client.get(f"{url}{item['id']}/").json() == item

    field, value = CHANGES[name]
    replaced = client.put(f"{url}{item['id']}/", {**data, field: value, "version": 1}, format="json")
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()[field], replaced.json()["version"]) == (value, 2)

    patched = client.patch(f"{url}{item['id']}/", {field: f"{value} (2)", "version": 2}, format="json")
    assert patched.status_code == 200, patched.content
    assert getattr(model.objects.get(pk=item["id"]), field) == f"{value} (2)"

    deleted = client.delete(f"{url}{item['id']}/?version=3")
    assert deleted.status_code == 204
    assert not model.objects.filter(pk=item["id"]).exists()


def test_every_api_change_is_audited_with_the_caller(city, api, editor):
    client = api(editor)
    goal = client.post("/api/v1/goals/", {"plan": city.enterprise.pk, "number": 8, "title": "Audit me"}, format="json")
    client.patch(f"/api/v1/goals/{goal.json()['id']}/", {"title": "Audited", "version": 1}, format="json")
    history = Goal.objects.get(pk=goal.json()["id"]).history.order_by("history_date")
    assert [(h.history_type, h.history_user, h.title) for h in history] == [
        ("+", editor, "Audit me"),
        ("~", editor, "Audited"),
    ]


def test_a_change_marks_the_plan_for_recalculation(city, api, editor):
    PlanChange.objects.all().delete()  # as after the recalculation that followed the set-up
    api(editor).patch(f"/api/v1/objectives/{city.objective.pk}/", {"weight": "2", "version": 1}, format="json")
    city.enterprise.refresh_from_db()
    assert city.enterprise.needs_recalculation


def test_read_only_fields_sent_on_creation_are_ignored(city, api, editor):
    sent = {
        "plan": city.enterprise.pk,
        "number": 6,
        "title": "Mass assignment",
        "id": 999,
        "version": 42,
        "progress": 0.9,
        "pace": 0.1,
        "health": "on_track",
        "grade": "A",
        "computed_at": "2020-01-01T00:00:00Z",
        "created_at": "2000-01-01T00:00:00Z",
    }
    response = api(editor).post("/api/v1/goals/", sent, format="json")
    assert response.status_code == 201
    goal = Goal.objects.get(title="Mass assignment")
    assert goal.pk != 999
    assert (goal.version, goal.progress, goal.pace, goal.health, goal.computed_at) == (1, None, None, "", None)
    assert goal.created_at.year > 2000
    assert response.json()["grade"] is None


def test_an_initiatives_status_moves_only_by_posting_an_update(city, api, editor):
    initiative = city.initiative
    response = api(editor).patch(
        f"/api/v1/initiatives/{initiative.pk}/",
        {
            "status": "completed",
            "percent_complete": 100,
            "last_update_on": "2024-01-01",
            "priority_rank": 1,
            "title": "Renamed",
            "version": 1,
        },
        format="json",
    )
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status, initiative.percent_complete) == ("Renamed", "not_started", 0)
    assert (initiative.last_update_on, initiative.priority_rank) == (None, None)


def test_an_it_request_is_filed_as_a_draft_by_the_caller_whatever_is_sent(city, api):
    response = api(city.liaison_a).post(
        "/api/v1/it-requests/",
        {
            "department": city.dept_a.pk,
            "plan": city.enterprise.pk,
            "title": "Tablets",
            "amount": "500",
            "fiscal_year": 2025,
            "state": "approved",
            "requested_by": 1,
            "exception_reason": "because",
        },
        format="json",
    )
    assert response.status_code == 201
    request = ITRequest.objects.get(title="Tablets")
    assert (request.state, request.requested_by, request.exception_reason) == ("draft", city.liaison_a, "")


# --- The version check ------------------------------------------------------------------


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_stale_version_gets_409_with_the_current_object_and_changes_nothing(method, city, api, editor):
    goal = city.goal
    client = api(editor)
    first = client.patch(f"/api/v1/goals/{goal.pk}/", {"title": "First writer", "version": 1}, format="json")
    assert first.json()["version"] == 2
    before, history_before = _row(Goal, goal.pk), goal.history.count()

    url = f"/api/v1/goals/{goal.pk}/"
    body = {"plan": city.enterprise.pk, "number": 1, "title": "Second writer", "version": 1}
    response = (
        client.delete(f"{url}?version=1") if method == "delete" else getattr(client, method)(url, body, format="json")
    )

    assert response.status_code == 409
    assert response.json()["current"]["title"] == "First writer"
    assert response.json()["current"]["version"] == 2
    assert "version 2" in response.json()["detail"]
    assert _row(Goal, goal.pk) == before
    assert goal.history.count() == history_before


def test_a_stale_version_on_a_status_update_stores_nothing(city, api, editor):
    initiative = city.initiative
    client = api(editor)
    url = f"/api/v1/initiatives/{initiative.pk}/updates/"
    assert (
        client.post(url, {"status": "on_track", "percent_complete": 10, "version": 1}, format="json").status_code == 201
    )
    before = _row(Initiative, initiative.pk)

    stale = client.post(url, {"status": "at_risk", "percent_complete": 15, "version": 1}, format="json")

    assert stale.status_code == 409
    assert stale.json()["current"]["percent_complete"] == 10
    assert _row(Initiative, initiative.pk) == before
    assert initiative.updates.count() == 1


@pytest.mark.parametrize("body", [{"title": "No version"}, {"title": "Blank version", "version": ""}])
def test_a_change_without_a_version_is_refused_naming_version(body, city, api, editor):
    response = api(editor).patch(f"/api/v1/goals/{city.goal.pk}/", body, format="json")
    assert response.status_code == 400
    assert "version" in response.json()
    city.goal.refresh_from_db()
    assert city.goal.version == 1


@pytest.mark.parametrize("query", ["", "?version=", "?version=abc", "?version=0"])
def test_a_delete_without_a_usable_version_is_refused_naming_version(query, city, api, editor):
    response = api(editor).delete(f"/api/v1/goals/{city.goal.pk}/{query}")
    assert response.status_code == 400
    assert "version" in response.json()
    assert Goal.objects.filter(pk=city.goal.pk).exists()


# --- Placement and links ------------------------------------------------------------------


def test_an_item_cannot_be_moved_to_another_plan(city, api, admin_user):
    response = api(admin_user).patch(
        f"/api/v1/goals/{city.goal.pk}/", {"plan": city.plan_a.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "plan" in response.json()
    city.goal.refresh_from_db()
    assert (city.goal.plan_id, city.goal.version) == (city.enterprise.pk, 1)


def test_an_initiative_supports_only_objectives_of_its_own_plan(city, api, admin_user):
    response = api(admin_user).patch(
        f"/api/v1/initiatives/{city.initiative.pk}/", {"supports": [city.objective_a.pk], "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert str(city.objective_a.pk) in response.json()["supports"][0]
    assert not city.initiative.supports.exists()


def test_a_department_initiative_aligns_to_its_enterprise_plan_but_not_another_department(city, api, admin_user):
    client = api(admin_user)
    url = f"/api/v1/initiatives/{city.initiative_a.pk}/"
    allowed = client.patch(
        url, {"aligned_to": [city.objective.pk], "supports": [city.objective_a.pk], "version": 1}, format="json"
    )
    assert allowed.status_code == 200
    assert (allowed.json()["aligned_to"], allowed.json()["supports"]) == ([city.objective.pk], [city.objective_a.pk])
    refused = client.patch(url, {"aligned_to": [city.objective_b.pk], "version": 2}, format="json")
    assert refused.status_code == 400
    assert "aligned_to" in refused.json()
    assert list(city.initiative_a.aligned_to.values_list("pk", flat=True)) == [city.objective.pk]


def test_an_objective_aligns_within_its_plan_family_only(city, api, admin_user):
    client = api(admin_user)
    url = f"/api/v1/objectives/{city.objective_a.pk}/"
    refused = client.patch(url, {"aligned_to": [city.objective_b.pk], "version": 1}, format="json")
    assert refused.status_code == 400 and "aligned_to" in refused.json()
    itself = client.patch(url, {"aligned_to": [city.objective_a.pk], "version": 1}, format="json")
    assert itself.status_code == 400 and "aligned_to" in itself.json()
    assert client.patch(url, {"aligned_to": [city.objective.pk], "version": 1}, format="json").status_code == 200


def test_an_it_request_names_objectives_of_its_plan_only(city, api):
    # Its enterprise plan's objectives, or its own department plan's (an indirect tie), never another plan's.
    other_plan = ObjectiveFactory(
        goal__plan=Plan.objects.create(
            title="Earlier plan", slug="earlier", start_fiscal_year=2018, end_fiscal_year=2021
        )
    )
    response = api(city.liaison_a).post(
        "/api/v1/it-requests/",
        {
            "department": city.dept_a.pk,
            "plan": city.enterprise.pk,
            "title": "Pumps",
            "amount": "10",
            "fiscal_year": 2025,
            "objectives": [other_plan.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "objectives" in response.json()
    assert not ITRequest.objects.exists()


def test_a_department_with_plans_cannot_be_deleted(city, api, admin_user):
    response = api(admin_user).delete(f"/api/v1/departments/{city.dept_a.pk}/?version=1")
    assert response.status_code == 400
    assert "plans" in response.json()["non_field_errors"][0]
    assert DepartmentPlanFactory._meta.model.objects.filter(department=city.dept_a).exists()


def test_status_updates_are_append_only(city, api, admin_user):
    update = StatusUpdateFactory(initiative=city.initiative)
    client = api(admin_user)
    base = f"/api/v1/initiatives/{city.initiative.pk}/updates/"
    assert client.get(f"{base}{update.pk}/").status_code == 404
    assert client.put(base, {}, format="json").status_code == 405
    assert client.delete(base).status_code == 405
    assert city.initiative.updates.count() == 1


def test_objective_factory_objects_from_other_goals_keep_their_own_code(city, api, editor):
    # Two objectives may share a code in different goals, not in the same one.
    other = ObjectiveFactory(goal=city.goal_a, code="1.1")
    response = api(editor).post(
        "/api/v1/objectives/", {"goal": city.goal.pk, "code": "1.1", "title": "Twin"}, format="json"
    )
    assert response.status_code == 400
    assert "already has an objective coded 1.1" in response.json()["code"][0]
    assert other.code == city.objective.code
