"""The spend gate through the REST API, with the same rules as the services (a liaison of another department
sees neither the requests nor the plan's alignment and priority)."""

from decimal import Decimal

from initiatives.models import ITRequest
from tests.factories import ITRequestFactory


def water_request(city, state="submitted", objectives=()) -> ITRequest:
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state=state, title="SCADA sensors")
    request.objectives.set(objectives)
    return request


def test_approving_a_request_with_no_tie_is_400_naming_objectives_and_changes_nothing(city, api):
    request = water_request(city)
    response = api(city.cio).post(
        f"/api/v1/it-requests/{request.pk}/approve/", {"version": request.version}, format="json"
    )
    assert response.status_code == 400
    assert "not tied to any objective" in response.json()["objectives"][0]
    request.refresh_from_db()
    assert request.state == "submitted"


def test_after_a_cio_exception_the_request_is_approved(city, api):
    request = water_request(city)
    client = api(city.cio)
    excused = client.post(
        f"/api/v1/it-requests/{request.pk}/exception/",
        {"version": request.version, "reason": "End of vendor support"},
        format="json",
    )
    assert excused.status_code == 200
    assert excused.json()["exception_reason"] == "End of vendor support"
    approved = client.post(
        f"/api/v1/it-requests/{request.pk}/approve/", {"version": excused.json()["version"]}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == city.cio.pk


def test_an_exception_without_a_reason_is_400_naming_the_reason(city, api):
    request = water_request(city)
    response = api(city.cio).post(
        f"/api/v1/it-requests/{request.pk}/exception/", {"version": request.version}, format="json"
    )
    assert response.status_code == 400
    assert "exception_reason" in response.json()


def test_a_liaison_cannot_grant_an_exception_to_their_own_request(city, api):
    request = water_request(city)
    response = api(city.water_liaison).post(
        f"/api/v1/it-requests/{request.pk}/exception/", {"version": request.version, "reason": "Please"}, format="json"
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.exception_by is None


def test_liaison_of_police_cannot_see_or_touch_water_requests_or_plan(city, api):
    request = water_request(city, state="draft", objectives=[city.e11])
    client = api(city.police_liaison)
    assert client.post(f"/api/v1/it-requests/{request.pk}/submit/", {"version": 1}, format="json").status_code == 404
    assert (
        client.patch(f"/api/v1/it-requests/{request.pk}/", {"title": "x", "version": 1}, format="json").status_code
        == 404
    )
    assert client.get(f"/api/v1/plans/{city.water_plan.pk}/alignment/").status_code == 404
    assert client.get(f"/api/v1/plans/{city.water_plan.pk}/priority/").status_code == 404
    # Filing in Water's name is refused, whatever the body says.
    filed = client.post(
        "/api/v1/it-requests/",
        {
            "department": city.water.pk,
            "plan": city.enterprise.pk,
            "title": "Ours now",
            "amount": "1",
            "fiscal_year": 2025,
        },
        format="json",
    )
    assert filed.status_code == 403
    request.refresh_from_db()
    assert (request.state, request.title) == ("draft", "SCADA sensors")
    assert not ITRequest.objects.filter(title="Ours now").exists()


def test_a_submitted_request_cannot_be_edited_through_the_api(city, api):
    request = water_request(city, objectives=[city.e11])
    response = api(city.water_liaison).patch(
        f"/api/v1/it-requests/{request.pk}/", {"amount": "1.00", "version": request.version}, format="json"
    )
    assert response.status_code == 400
    assert "state" in response.json()
    request.refresh_from_db()
    assert request.amount == Decimal("25000.00")


def test_a_stale_version_gets_409(city, api):
    request = water_request(city, state="draft")
    response = api(city.water_liaison).post(
        f"/api/v1/it-requests/{request.pk}/submit/", {"version": request.version + 1}, format="json"
    )
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.state == "draft"


def test_liaison_files_with_a_department_objective_and_the_cio_approves_the_indirect_tie(city, api):
    filed = api(city.water_liaison).post(
        "/api/v1/it-requests/",
        {
            "department": city.water.pk,
            "plan": city.enterprise.pk,
            "title": "Sensors",
            "amount": "5000",
            "fiscal_year": 2025,
            "objectives": [city.w13.pk],
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert (body["state"], body["requested_by"]) == ("draft", city.water_liaison.pk)
    submitted = api(city.water_liaison).post(
        f"/api/v1/it-requests/{body['id']}/submit/", {"version": body["version"]}, format="json"
    )
    approved = api(city.cio).post(
        f"/api/v1/it-requests/{body['id']}/approve/", {"version": submitted.json()["version"]}, format="json"
    )
    assert approved.json()["state"] == "approved"
