"""The IT request pages: the register with its totals and exports, one request, filing and deciding."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from initiatives.models import ITRequest
from tests.factories import ITRequestFactory
from tests.initiatives.helpers import queries, signed_in


def requests_in_every_state(city):
    tied = ITRequestFactory(
        department=city.water, plan=city.enterprise, title="Sensors", amount=Decimal("1000"), state="approved"
    )
    tied.objectives.set([city.e11])
    indirect = ITRequestFactory(
        department=city.water, plan=city.enterprise, title="Drills", amount=Decimal("200"), state="submitted"
    )
    indirect.objectives.set([city.w13])
    ITRequestFactory(department=city.police, plan=city.enterprise, title="Radios", amount=Decimal("50"), state="draft")
    return tied, indirect


def test_register_totals_per_goal_and_department(city, client):
    requests_in_every_state(city)
    response = signed_in(client, city.viewer).get("/plans/stp/it-requests/")
    context = response.context
    # Goal 1: Sensors (direct, 1.1) 1,000 + Drills (through W1.3) 200 = 1,200; Radios is tied to nothing: 50.
    assert [(g.number, amount) for g, amount in context["goal_totals"]] == [(1, Decimal("1200")), (2, Decimal("0"))]
    assert context["untied_total"] == Decimal("50")
    water = [t for t in context["department_totals"] if t["department"] == city.water][0]
    assert (water["approved"], water["submitted"], water["total"]) == (Decimal("1000"), Decimal("200"), Decimal("1200"))
    assert context["grand_total"] == Decimal("1250")
    assert "Indirect: 1.1 through W1.3" in response.content.decode()


def test_register_exports_csv_and_xlsx_with_the_same_rows(city, client):
    requests_in_every_state(city)
    signed_in(client, city.viewer)
    rows = list(csv.reader(io.StringIO(client.get("/plans/stp/it-requests/?format=csv").content.decode())))
    book = load_workbook(io.BytesIO(client.get("/plans/stp/it-requests/?format=xlsx").content))
    sheet_rows = [[str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    assert len(rows) == len(sheet_rows) == 4  # header + 3 requests
    assert sorted(r[3] for r in rows[1:]) == ["Drills", "Radios", "Sensors"]
    assert [r[3] for r in sheet_rows[1:]] == [r[3] for r in rows[1:]]


def test_register_of_a_liaison_shows_only_their_department(city, client):
    requests_in_every_state(city)
    page = signed_in(client, city.police_liaison).get("/plans/stp/it-requests/").content.decode()
    assert "Radios" in page and "Sensors" not in page


def test_register_queries_do_not_grow_with_requests(city, client):
    requests_in_every_state(city)
    signed_in(client, city.viewer)
    few = queries(client, "/plans/stp/it-requests/")
    for n in range(15):
        ITRequestFactory(department=city.police, plan=city.enterprise).objectives.set([city.p11 if n % 2 else city.e21])
    assert queries(client, "/plans/stp/it-requests/") == few


def test_cio_cannot_approve_an_untied_request_in_the_browser_and_sees_why(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state="submitted")
    response = signed_in(client, city.cio).post(
        f"/it-requests/{request.pk}/approve/", {"version": request.version}, follow=True
    )
    assert "not tied to any objective" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "submitted"


def test_liaison_files_and_submits_in_the_browser(city, client):
    signed_in(client, city.water_liaison)
    response = client.post(
        "/plans/stp/it-requests/new/",
        {
            "department": city.water.pk,
            "title": "Leak sensors",
            "amount": "1500",
            "fiscal_year": "2026",
            "objectives": [str(city.w12.pk)],
        },
    )
    filed = ITRequest.objects.get(title="Leak sensors")
    assert response.status_code == 302 and filed.requested_by == city.water_liaison
    client.post(f"/it-requests/{filed.pk}/submit/", {"version": filed.version})
    filed.refresh_from_db()
    assert filed.state == "submitted"


def test_a_liaison_cannot_file_for_another_department_in_the_browser(city, client):
    response = signed_in(client, city.police_liaison).post(
        "/plans/stp/it-requests/new/",
        {"department": city.water.pk, "title": "Not ours", "amount": "1", "fiscal_year": "2026"},
    )
    assert response.status_code == 400  # Water is not among the choices
    assert not ITRequest.objects.filter(title="Not ours").exists()


def test_liaison_of_another_department_gets_404_and_changes_nothing(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise)
    signed_in(client, city.police_liaison)
    assert client.get(f"/it-requests/{request.pk}/").status_code == 404
    assert client.post(f"/it-requests/{request.pk}/submit/", {"version": request.version}).status_code == 404
    request.refresh_from_db()
    assert request.state == "draft"


def test_only_the_cio_may_record_an_exception_in_the_browser(city, client):
    request = ITRequestFactory(department=city.water, plan=city.enterprise, state="submitted")
    for user in (city.water_liaison, city.editor):
        response = signed_in(client, user).post(
            f"/it-requests/{request.pk}/exception/", {"version": request.version, "reason": "Please"}
        )
        assert response.status_code == 403
    request.refresh_from_db()
    assert request.exception_by is None
    page = signed_in(client, city.water_liaison).get(f"/it-requests/{request.pk}/").content.decode()
    assert "Record the exception" not in page
