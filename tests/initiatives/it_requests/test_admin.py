"""The admin moves IT requests through the same spend-gate services as the browser and the API."""

from initiatives.models import ITRequest
from tests.factories import ITRequestFactory
from tests.planboard.test_audit import admin_form_data, change_url


def cio_in_admin(city, client):
    city.cio.is_staff = True
    city.cio.save(update_fields=["is_staff"])
    client.force_login(city.cio)
    return client


def test_admin_refuses_to_approve_an_untied_request_and_keeps_its_state(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state=ITRequest.State.SUBMITTED)
    admin = cio_in_admin(city, client)
    response = admin.post(
        change_url(request), admin_form_data(admin.get(change_url(request)), state="approved"), follow=True
    )
    assert "The state was not changed" in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("submitted", None)


def test_admin_approval_of_a_tied_request_is_audited_by_the_service(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state=ITRequest.State.SUBMITTED)
    request.objectives.set([city.e11])
    admin = cio_in_admin(city, client)
    admin.post(change_url(request), admin_form_data(admin.get(change_url(request)), state="approved"))
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("approved", city.cio)
    assert request.history.first().history_change_reason == "Approved"


def test_admin_cannot_send_a_decided_request_back(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state=ITRequest.State.REJECTED)
    admin = cio_in_admin(city, client)
    response = admin.post(
        change_url(request), admin_form_data(admin.get(change_url(request)), state="draft"), follow=True
    )
    assert "A rejected request cannot become draft." in response.content.decode()
    request.refresh_from_db()
    assert request.state == "rejected"
