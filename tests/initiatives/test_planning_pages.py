"""Who may open the planning pages (alignment, IT requests, priority, roadmap), across the features."""

from tests.initiatives.helpers import signed_in


def test_department_plan_pages_are_closed_to_another_departments_liaison(city, client):
    signed_in(client, city.police_liaison)
    for url in ("/plans/water-it/priority/", "/plans/water-it/roadmap/", "/plans/water-it/priority/sensitivity/"):
        assert client.get(url).status_code == 403
    assert client.post("/plans/water-it/priority/", {}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(city, client):
    for url in ("/plans/stp/alignment/", "/plans/stp/it-requests/", "/plans/stp/priority/", "/plans/stp/roadmap/"):
        assert client.get(url).status_code == 302
