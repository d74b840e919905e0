"""Alignment, priority and the spend gate through the REST API, with the same rules as the services."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import AlignmentScore, ITRequest
from tests.factories import DriverFactory, InitiativeFactory, ITRequestFactory, PillarFactory


def water_request(city, state="submitted", objectives=()) -> ITRequest:
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state=state, title="SCADA sensors")
    request.objectives.set(objectives)
    return request


def test_approving_a_request_with_no_tie_is_400_naming_objectives_and_changes_nothing(city, api):
    request = water_request(city)
    response = api(city.cio).post(f"/api/v1/it-requests/{request.pk}/approve/", {"version": request.version}, format="json")
    assert response.status_code == 400
    assert "not tied to any objective" in response.json()["objectives"][0]
    request.refresh_from_db()
    assert request.state == "submitted"


def test_after_a_cio_exception_the_request_is_approved(city, api):
    request = water_request(city)
    client = api(city.cio)
    excused = client.post(f"/api/v1/it-requests/{request.pk}/exception/",
                          {"version": request.version, "reason": "End of vendor support"}, format="json")
    assert excused.status_code == 200
    assert excused.json()["exception_reason"] == "End of vendor support"
    approved = client.post(f"/api/v1/it-requests/{request.pk}/approve/", {"version": excused.json()["version"]},
                           format="json")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == city.cio.pk


def test_an_exception_without_a_reason_is_400_naming_the_reason(city, api):
    request = water_request(city)
    response = api(city.cio).post(f"/api/v1/it-requests/{request.pk}/exception/", {"version": request.version},
                                  format="json")
    assert response.status_code == 400
    assert "exception_reason" in response.json()


def test_a_liaison_cannot_grant_an_exception_to_their_own_request(city, api):
    request = water_request(city)
    response = api(city.water_liaison).post(f"/api/v1/it-requests/{request.pk}/exception/",
                                            {"version": request.version, "reason": "Please"}, format="json")
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.exception_by is None


def test_liaison_of_police_cannot_see_or_touch_water_requests_or_plan(city, api):
    request = water_request(city, state="draft", objectives=[city.e11])
    client = api(city.police_liaison)
    assert client.post(f"/api/v1/it-requests/{request.pk}/submit/", {"version": 1}, format="json").status_code == 404
    assert client.patch(f"/api/v1/it-requests/{request.pk}/", {"title": "x", "version": 1}, format="json").status_code == 404
    assert client.get(f"/api/v1/plans/{city.water_plan.pk}/alignment/").status_code == 404
    assert client.get(f"/api/v1/plans/{city.water_plan.pk}/priority/").status_code == 404
    # Filing in Water's name is refused, whatever the body says.
    filed = client.post("/api/v1/it-requests/", {"department": city.water.pk, "plan": city.enterprise.pk,
                                                 "title": "Ours now", "amount": "1", "fiscal_year": 2025}, format="json")
    assert filed.status_code == 403
    request.refresh_from_db()
    assert (request.state, request.title) == ("draft", "SCADA sensors")
    assert not ITRequest.objects.filter(title="Ours now").exists()


def test_a_submitted_request_cannot_be_edited_through_the_api(city, api):
    request = water_request(city, objectives=[city.e11])
    response = api(city.water_liaison).patch(f"/api/v1/it-requests/{request.pk}/",
                                             {"amount": "1.00", "version": request.version}, format="json")
    assert response.status_code == 400
    assert "state" in response.json()
    request.refresh_from_db()
    assert request.amount == Decimal("25000.00")


def test_a_stale_version_gets_409(city, api):
    request = water_request(city, state="draft")
    response = api(city.water_liaison).post(f"/api/v1/it-requests/{request.pk}/submit/",
                                            {"version": request.version + 1}, format="json")
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.state == "draft"


def test_liaison_files_with_a_department_objective_and_the_cio_approves_the_indirect_tie(city, api):
    filed = api(city.water_liaison).post("/api/v1/it-requests/", {
        "department": city.water.pk, "plan": city.enterprise.pk, "title": "Sensors", "amount": "5000",
        "fiscal_year": 2025, "objectives": [city.w13.pk]}, format="json")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["state"], body["requested_by"]) == ("draft", city.water_liaison.pk)
    submitted = api(city.water_liaison).post(f"/api/v1/it-requests/{body['id']}/submit/", {"version": body["version"]},
                                             format="json")
    approved = api(city.cio).post(f"/api/v1/it-requests/{body['id']}/approve/",
                                  {"version": submitted.json()["version"]}, format="json")
    assert approved.json()["state"] == "approved"


def test_department_plan_alignment_shows_direct_and_indirect_links(city, api):
    data = api(city.water_liaison).get(f"/api/v1/plans/{city.water_plan.pk}/alignment/").json()
    items = {item["code"]: item for item in data["items"]}
    assert [o["code"] for o in items["W1.1"]["direct"]] == ["1.1"]
    assert [(i["objective"]["code"], i["via"]["code"]) for i in items["W1.2"]["indirect"]] == [("1.1", "W1.1")]
    assert items["WS-3"]["aligned"] is False
    assert data["unaligned_count"] == 1


def test_enterprise_alignment_matrix_covers_only_the_department_plans_the_caller_reads(city, api):
    everyone = api(city.viewer).get(f"/api/v1/plans/{city.enterprise.pk}/alignment/").json()
    assert [d["department"]["name"] for d in everyone["departments"]] == ["Police", "Water Services"]
    assert [o["code"] for o in everyone["unsupported_objectives"]] == ["1.2"]
    police = api(city.police_liaison).get(f"/api/v1/plans/{city.enterprise.pk}/alignment/").json()
    assert [d["department"]["name"] for d in police["departments"]] == ["Police"]
    assert [c["count"] for c in police["departments"][0]["cells"]] == [0, 1]


def test_priority_endpoint_gives_method_weights_ranking_and_sensitivity(city, api, django_assert_max_num_queries):
    pillar = PillarFactory(plan=city.enterprise, name="One IT", weight=Decimal("2"))
    driver = DriverFactory(plan=city.enterprise, name="Secure", weight=Decimal("1"))
    for code, (p, d) in {"E-1": (3, 0), "E-2": (0, 3)}.items():
        initiative = InitiativeFactory(plan=city.enterprise, code=code)
        AlignmentScore.objects.create(initiative=initiative, pillar=pillar, score=p)
        AlignmentScore.objects.create(initiative=initiative, driver=driver, score=d)
    # E-1: 2×3 / (3×3) × 100 = 66.67; E-2: 1×3 / 9 × 100 = 33.33.
    client = api(city.viewer)
    url = f"/api/v1/plans/{city.enterprise.pk}/priority/?sensitivity=true"
    with CaptureQueriesContext(connection) as small:
        data = client.get(url).json()
    assert [(r["code"], r["score"], r["rank"]) for r in data["ranking"]] == [("E-1", 66.67, 1), ("E-2", 33.33, 2)]
    assert [c["weight"] for c in data["criteria"]] == ["2.00", "1.00"]
    assert data["method"]
    # Moving either weight by 10% cannot close a 6-to-3 gap: nothing changes rank.
    assert all(s["changes"] == [] for s in data["sensitivity"])
    assert len(data["sensitivity"]) == 4
    for n in range(20):
        AlignmentScore.objects.create(initiative=InitiativeFactory(plan=city.enterprise), pillar=pillar, score=n % 4)
    with django_assert_max_num_queries(len(small)):
        assert len(client.get(url).json()["ranking"]) == 22


def test_priority_rejects_a_sensitivity_flag_it_cannot_read(city, api):
    response = api(city.viewer).get(f"/api/v1/plans/{city.enterprise.pk}/priority/?sensitivity=maybe")
    assert response.status_code == 400
    assert "sensitivity" in response.json()
