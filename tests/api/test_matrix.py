"""Who may do what, endpoint by endpoint: a role × endpoint × method matrix.

Every route the API serves must appear in EXPECTED, method by method, or
`test_every_endpoint_and_method_has_expectations` fails: a new endpoint is not allowed in until
someone has written down who may call it. Targets live in the enterprise plan (not published),
except IT requests, which belong to department A; "liaison_a" is department A's liaison and
"member_b" a plain member of department B.
"""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver

from goals.models import Department, DepartmentMembership
from initiatives.models import ITRequest
from planboard import api
from reports.models import PlanExport, ReportCard
from tests.factories import (
    DepartmentFactory,
    DriverFactory,
    ITRequestFactory,
    MembershipFactory,
    MilestoneFactory,
    PillarFactory,
    PlanFactory,
    ThemeFactory,
    UserFactory,
)

ROLES = ("anon", "viewer", "editor", "admin", "liaison_a", "member_b")


def row(*codes: int) -> dict[str, int]:
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


EVERYONE = row(200, 200, 200, 200, 200, 200)
READ_UNPUBLISHED = row(404, 200, 200, 200, 200, 200)
EDIT_ENTERPRISE = {
    "POST": row(401, 403, 201, 201, 403, 403),
    "PUT": row(401, 403, 200, 200, 403, 403),
    "PATCH": row(401, 403, 200, 200, 403, 403),
    "DELETE": row(401, 403, 204, 204, 403, 403),
}
ADMIN_ONLY = {
    "POST": row(401, 403, 403, 201, 403, 403),
    "PUT": row(401, 403, 403, 200, 403, 403),
    "PATCH": row(401, 403, 403, 200, 403, 403),
    "DELETE": row(401, 403, 403, 204, 403, 403),
}
DEPARTMENT_A_REQUESTS = {
    "POST": row(401, 403, 403, 201, 201, 403),
    "PUT": row(401, 403, 403, 200, 200, 404),
    "PATCH": row(401, 403, 403, 200, 200, 404),
    "DELETE": row(401, 403, 403, 204, 204, 404),
}


def resource(list_read: dict, item_read: dict, writes: dict, name: str) -> dict:
    return {
        (f"{name}-list", "GET"): list_read,
        (f"{name}-list", "POST"): writes["POST"],
        (f"{name}-detail", "GET"): item_read,
        (f"{name}-detail", "PUT"): writes["PUT"],
        (f"{name}-detail", "PATCH"): writes["PATCH"],
        (f"{name}-detail", "DELETE"): writes["DELETE"],
    }


EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("api-root", "GET"): EVERYONE,
    ("api-schema", "GET"): EVERYONE,
    ("api-docs", "GET"): EVERYONE,
    **resource(EVERYONE, EVERYONE, ADMIN_ONLY, "department"),
    **resource(EVERYONE, READ_UNPUBLISHED, {**EDIT_ENTERPRISE, "POST": ADMIN_ONLY["POST"]}, "plan"),
    **{(f"{name}-list", "GET"): EVERYONE for name in ("pillar", "driver", "theme")},
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "pillar"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "driver"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "theme"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "goal"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "objective"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "metric"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "initiative"),
    **resource(EVERYONE, READ_UNPUBLISHED, EDIT_ENTERPRISE, "milestone"),
    **resource(EVERYONE, row(404, 200, 200, 200, 200, 404), DEPARTMENT_A_REQUESTS, "it-request"),
    **{
        (f"{name}-explain-explain", "GET"): READ_UNPUBLISHED
        for name in ("plan", "goal", "objective", "metric", "initiative")
    },
    ("plan-export-export", "GET"): READ_UNPUBLISHED,
    # Background exports: whoever may read the plan starts one (202) and reads its job and file.
    ("plan-export-exports", "POST"): row(401, 202, 202, 202, 202, 202),
    ("plan-export-job-detail", "GET"): READ_UNPUBLISHED,
    ("plan-export-job-download", "GET"): READ_UNPUBLISHED,
    ("metric-reading-list", "GET"): READ_UNPUBLISHED,
    ("metric-reading-list", "POST"): EDIT_ENTERPRISE["POST"],
    ("initiative-update-list", "GET"): READ_UNPUBLISHED,
    ("initiative-update-list", "POST"): EDIT_ENTERPRISE["POST"],
    # Report cards: the CIO and plan editors request the enterprise plan's (202, rendered later).
    ("report-card-list", "GET"): EVERYONE,
    ("report-card-list", "POST"): row(401, 403, 202, 202, 403, 403),
    ("report-card-detail", "GET"): READ_UNPUBLISHED,
    ("report-card-pdf", "GET"): READ_UNPUBLISHED,
    # Alignment and priority read like the plan; the spend gate: A's liaison submits, the CIO decides.
    ("plan-planning-alignment", "GET"): READ_UNPUBLISHED,
    ("plan-planning-priority", "GET"): READ_UNPUBLISHED,
    ("it-request-submit", "POST"): row(401, 403, 403, 200, 200, 404),
    **{
        (f"it-request-{action}", "POST"): row(401, 403, 403, 200, 403, 404)
        for action in ("approve", "reject", "exception")
    },
}


def served_routes() -> set[tuple[str, str]]:
    """(route name, HTTP method) for every URL under /api/v1/, from the URL patterns themselves."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            assert isinstance(pattern, URLPattern)
            callback = pattern.callback
            actions = getattr(callback, "actions", None)
            if actions is not None:
                methods = {method.upper() for method in actions if method not in ("head", "options")}
            else:
                view = callback.view_class
                methods = {
                    m.upper() for m in view.http_method_names if hasattr(view, m) and m not in ("head", "options")
                }
            found.update((pattern.name, method) for method in methods)

    walk(api.urlpatterns)
    return found


def test_every_endpoint_and_method_has_expectations():
    served = served_routes()
    missing = sorted(served - EXPECTED.keys())
    assert not missing, f"Add who may call these to EXPECTED before serving them: {missing}"
    assert not sorted(EXPECTED.keys() - served), "EXPECTED lists routes the API no longer serves"


class Targets:
    """One object of each kind to aim at, plus what a valid create/replace request sends."""

    def __init__(self, city):
        self.city = city
        self.spare_department = DepartmentFactory(name="Parks", slug="parks")
        self.spare_plan = PlanFactory(title="Old enterprise plan", slug="old-plan")
        self.pillar = PillarFactory(plan=city.enterprise)
        self.driver = DriverFactory(plan=city.enterprise)
        self.theme = ThemeFactory(plan=city.enterprise)
        self.milestone = MilestoneFactory(initiative=city.initiative)
        self.it_request = ITRequestFactory(department=city.dept_a, plan=city.enterprise)

    def target(self, name: str):
        c = self.city
        return {
            "department": self.spare_department,
            "plan": self.spare_plan,
            "pillar": self.pillar,
            "driver": self.driver,
            "theme": self.theme,
            "goal": c.goal,
            "objective": c.objective,
            "metric": c.metric,
            "initiative": c.initiative,
            "milestone": self.milestone,
            "it-request": self.it_request,
        }[name]

    def create_data(self, name: str) -> dict:
        c = self.city
        plan = c.enterprise.pk
        return {
            "department": {"name": "Library", "slug": "library"},
            "plan": {
                "title": "Next plan",
                "slug": "next-plan",
                "scope": "enterprise",
                "start_fiscal_year": 2027,
                "end_fiscal_year": 2031,
            },
            "pillar": {"plan": plan, "name": "One IT"},
            "driver": {"plan": plan, "name": "Secure environment"},
            "theme": {"plan": plan, "name": "Infrastructure"},
            "goal": {"plan": plan, "number": 7, "title": "Resilient services"},
            "objective": {"goal": c.goal.pk, "code": "1.9", "title": "Back up everything"},
            "metric": {
                "objective": c.objective.pk,
                "name": "Uptime",
                "unit": "%",
                "baseline": "95",
                "baseline_date": "2022-06-30",
                "target": "99.9",
                "target_date": "2026-06-30",
            },
            "initiative": {"plan": plan, "code": "ENT-9", "title": "Data centre move"},
            "milestone": {"initiative": c.initiative.pk, "title": "Cut-over", "due": "2024-03-31"},
            "it-request": {
                "department": c.dept_a.pk,
                "plan": plan,
                "title": "Meter readers",
                "amount": "1200.00",
                "fiscal_year": 2025,
            },
        }[name]


def user_for(role: str, city, request):
    if role == "anon":
        return None
    if role in ("liaison_a", "member_b"):
        return getattr(city, role)
    return request.getfixturevalue({"viewer": "viewer", "editor": "editor", "admin": "admin_user"}[role])


def call(client, route: str, method: str, targets: Targets, city):
    """Send `method` to `route` aimed at the route's target, with a valid body for writes."""
    base, _, kind = route.rpartition("-")
    if route in ("api-root", "api-schema", "api-docs"):
        return client.get({"api-root": "/api/v1/", "api-schema": "/api/v1/schema/", "api-docs": "/api/v1/docs/"}[route])
    if route.startswith("metric-reading"):
        url = f"/api/v1/metrics/{city.metric.pk}/readings/"
        return client.generic(
            method, url, data=_json({"period_end": "2024-06-30", "value": "70"}), content_type="application/json"
        )
    if route.startswith("initiative-update"):
        url = f"/api/v1/initiatives/{city.initiative.pk}/updates/"
        body = {"status": "on_track", "percent_complete": 30, "version": city.initiative.version}
        return client.generic(method, url, data=_json(body), content_type="application/json")
    if route.startswith("report-card"):
        return _call_report_cards(client, route, method, city)
    if route == "plan-export-exports":
        return client.post(f"/api/v1/plans/{targets.spare_plan.pk}/exports/")
    if route.startswith("plan-export-job"):
        return _call_export_job(client, route, targets.spare_plan)
    if route.startswith("plan-planning-"):
        return client.get(f"/api/v1/plans/{city.enterprise.pk}/{kind}/")
    if route in {f"it-request-{action}" for action in ("submit", "approve", "reject", "exception")}:
        return _call_spend_gate(client, kind, targets.it_request, city)
    if route.endswith("-explain-explain") or route == "plan-export-export":
        name = route.split("-")[0]
        action = "export" if "export" in route else "explain"
        target = targets.spare_plan if name == "plan" else targets.target(name)
        return client.get(f"/api/v1/{_prefix(name)}/{target.pk}/{action}/")
    name = base
    if kind == "list":
        if method == "GET":
            return client.get(f"/api/v1/{_prefix(name)}/")
        return client.post(f"/api/v1/{_prefix(name)}/", targets.create_data(name), format="json")
    target = targets.target(name)
    url = f"/api/v1/{_prefix(name)}/{target.pk}/"
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(f"{url}?version={target.version}")
    body = {**targets.create_data(name), "version": target.version}
    if method == "PATCH":
        body = {"version": target.version}
    return client.generic(method, url, data=_json(body), content_type="application/json")


def _call_report_cards(client, route: str, method: str, city):
    if route == "report-card-list":
        if method == "POST":
            return client.post(
                "/api/v1/report-cards/", {"plan": city.enterprise.pk, "fiscal_year": 2024}, format="json"
            )
        return client.get("/api/v1/report-cards/")
    card = ReportCard.objects.create(plan=city.enterprise, fiscal_year=2024, status="done", data={})
    card.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.7\n"))
    response = client.get(f"/api/v1/report-cards/{card.pk}/{'pdf/' if route.endswith('-pdf') else ''}")
    if response.streaming:
        # Reading the file to the end lets the test client close it; calling response.close() here
        # would fire request_finished and close the test's database connection (PostgreSQL).
        b"".join(response.streaming_content)
    card.pdf.delete()
    return response


def _call_export_job(client, route: str, plan):
    job = PlanExport.objects.create(plan=plan, state="done")
    job.file.save("matrix.json", ContentFile(b"{}"))
    response = client.get(f"/api/v1/plan-exports/{job.pk}/{'download/' if route.endswith('-download') else ''}")
    if response.streaming:
        b"".join(response.streaming_content)  # as for the report card's PDF, below
    job.file.delete()
    return response


def _call_spend_gate(client, action: str, it_request, city):
    """A draft to submit or to excuse; a submitted request, tied to the plan, to approve or reject."""
    if action in ("approve", "reject"):
        ITRequest.objects.filter(pk=it_request.pk).update(state=ITRequest.State.SUBMITTED)
        it_request.objectives.set([city.objective])
    body = {"version": it_request.version, "reason": "Life-safety system at end of support"}
    return client.post(f"/api/v1/it-requests/{it_request.pk}/{action}/", body, format="json")


def _json(body: dict) -> str:
    return json.dumps(body)


def _prefix(name: str) -> str:
    return {"it-request": "it-requests"}.get(name, f"{name}s")


CASES = [(route, method, role) for (route, method), codes in sorted(EXPECTED.items()) for role in ROLES]


@pytest.mark.parametrize(("route", "method", "role"), CASES, ids=[f"{r}-{m}-{who}" for r, m, who in CASES])
def test_role_gets_the_expected_answer(route, method, role, city, api, request):
    targets = Targets(city)
    client = api(user_for(role, city, request))
    response = call(client, route, method, targets, city)
    assert response.status_code == EXPECTED[(route, method)][role], response.content[:400]


def test_department_b_member_never_sees_department_a_plan_data(city, api):
    client = api(city.member_b)
    for prefix, obj in [
        ("plans", city.plan_a),
        ("goals", city.goal_a),
        ("objectives", city.objective_a),
        ("metrics", city.metric_a),
        ("initiatives", city.initiative_a),
    ]:
        assert client.get(f"/api/v1/{prefix}/{obj.pk}/").status_code == 404
        assert client.get(f"/api/v1/{prefix}/{obj.pk}/explain/").status_code == 404
        listed = {item["id"] for item in client.get(f"/api/v1/{prefix}/?page_size=500").json()["results"]}
        assert obj.pk not in listed
    assert client.get(f"/api/v1/plans/{city.plan_a.pk}/export/").status_code == 404
    assert client.get(f"/api/v1/metrics/{city.metric_a.pk}/readings/").status_code == 404
    assert client.get(f"/api/v1/initiatives/{city.initiative_a.pk}/updates/").status_code == 404
    # Its own department's plan is there, as are the enterprise plan's goals.
    goals = {item["id"] for item in client.get("/api/v1/goals/").json()["results"]}
    assert goals == {city.goal.pk, city.goal_b.pk}


def test_liaison_edits_own_department_plan_but_not_another(city, api):
    client = api(city.liaison_a)
    own = client.patch(f"/api/v1/goals/{city.goal_a.pk}/", {"title": "Clean water", "version": 1}, format="json")
    assert own.status_code == 200
    # Department B's goal is invisible to A's liaison: 404, not 403, so its existence is not revealed.
    other = client.patch(f"/api/v1/goals/{city.goal_b.pk}/", {"title": "Taken over", "version": 1}, format="json")
    assert other.status_code == 404
    city.goal_b.refresh_from_db()
    assert city.goal_b.title != "Taken over"


def test_liaison_cannot_create_in_another_departments_plan_by_id(city, api):
    client = api(city.liaison_a)
    response = client.post("/api/v1/goals/", {"plan": city.plan_b.pk, "number": 4, "title": "Sneaky"}, format="json")
    # The plan is not among those A's liaison may see, so it "does not exist" for them.
    assert response.status_code == 400
    assert "plan" in response.json()
    assert not city.plan_b.goals.filter(title="Sneaky").exists()


def test_member_of_initiatives_department_may_post_updates(city, api):
    member = UserFactory(username="water_engineer")
    MembershipFactory(user=member, department=city.dept_a, role=DepartmentMembership.Role.MEMBER)
    response = api(member).post(
        f"/api/v1/initiatives/{city.initiative_a.pk}/updates/",
        {"status": "on_track", "percent_complete": 40, "version": city.initiative_a.version},
        format="json",
    )
    assert response.status_code == 201
    # ...but a plain member may not change the department plan's structure.
    goal = api(member).patch(f"/api/v1/goals/{city.goal_a.pk}/", {"title": "x", "version": 1}, format="json")
    assert goal.status_code == 403


def test_inactive_departments_are_listed_to_administrators_only(city, api, admin_user, viewer):
    Department.objects.filter(pk=city.dept_b.pk).update(is_active=False)
    seen_by_viewer = {d["id"] for d in api(viewer).get("/api/v1/departments/").json()["results"]}
    seen_by_admin = {d["id"] for d in api(admin_user).get("/api/v1/departments/").json()["results"]}
    assert city.dept_b.pk not in seen_by_viewer
    assert city.dept_b.pk in seen_by_admin
