"""The pages: what they show, who may act, and query counts that do not grow with rows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from initiatives.models import AlignmentScore, Initiative, ITRequest
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    GoalFactory,
    InitiativeFactory,
    ITRequestFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PillarFactory,
    ThemeFactory,
)


def signed_in(client, user):
    client.force_login(user)
    return client


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(context)


# --- Alignment matrix --------------------------------------------------------------------------


def test_matrix_page_shows_counts_gaps_and_flags(city, client):
    page = signed_in(client, city.viewer).get("/plans/stp/alignment/").content.decode()
    assert "Department alignment" in page
    assert "1.2 Train staff" in page  # no department serves it
    assert "⚠ Not aligned" in page and "Intranet refresh" in page  # WS-3
    assert "4 items" in page  # Water's four items under goal 1


def test_matrix_csv_lists_each_item_and_its_link(city, client):
    response = signed_in(client, city.viewer).get("/plans/stp/alignment/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    ws3 = [r for r in rows if r["code"] == "WS-3"]
    assert ws3 and ws3[0]["aligned"] == "no"
    w12 = [r for r in rows if r["code"] == "W1.2"][0]
    assert (w12["link"], w12["enterprise objective"], w12["via"]) == ("indirect", "1.1 Protect accounts", "W1.1 Segment SCADA")


def test_matrix_hides_the_plans_a_liaison_may_not_read(city, client):
    page = signed_in(client, city.police_liaison).get("/plans/stp/alignment/").content.decode()
    assert "Police" in page and "Water Services" not in page and "Intranet refresh" not in page


def test_matrix_queries_do_not_grow_with_departments(city, client):
    signed_in(client, city.viewer)
    few = queries(client, "/plans/stp/alignment/")
    for n in range(6):
        plan = DepartmentPlanFactory(department=DepartmentFactory(), parent=city.enterprise)
        objective = ObjectiveFactory(goal=GoalFactory(plan=plan))
        objective.aligned_to.set([city.e21])
        InitiativeFactory(plan=plan, department=plan.department).aligned_to.set([objective])
        InitiativeFactory(plan=plan)
    assert queries(client, "/plans/stp/alignment/") == few


# --- IT request register and transitions ---------------------------------------------------------


def requests_in_every_state(city):
    tied = ITRequestFactory(department=city.water, plan=city.enterprise, title="Sensors", amount=Decimal("1000"),
                            state="approved")
    tied.objectives.set([city.e11])
    indirect = ITRequestFactory(department=city.water, plan=city.enterprise, title="Drills", amount=Decimal("200"),
                                state="submitted")
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
    response = signed_in(client, city.cio).post(f"/it-requests/{request.pk}/approve/", {"version": request.version},
                                                follow=True)
    assert "not tied to any objective" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "submitted"


def test_liaison_files_and_submits_in_the_browser(city, client):
    signed_in(client, city.water_liaison)
    response = client.post("/plans/stp/it-requests/new/", {
        "department": city.water.pk, "title": "Leak sensors", "amount": "1500", "fiscal_year": "2026",
        "objectives": [str(city.w12.pk)]})
    filed = ITRequest.objects.get(title="Leak sensors")
    assert response.status_code == 302 and filed.requested_by == city.water_liaison
    client.post(f"/it-requests/{filed.pk}/submit/", {"version": filed.version})
    filed.refresh_from_db()
    assert filed.state == "submitted"


def test_a_liaison_cannot_file_for_another_department_in_the_browser(city, client):
    response = signed_in(client, city.police_liaison).post("/plans/stp/it-requests/new/", {
        "department": city.water.pk, "title": "Not ours", "amount": "1", "fiscal_year": "2026"})
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
        response = signed_in(client, user).post(f"/it-requests/{request.pk}/exception/",
                                                {"version": request.version, "reason": "Please"})
        assert response.status_code == 403
    request.refresh_from_db()
    assert request.exception_by is None
    page = signed_in(client, city.water_liaison).get(f"/it-requests/{request.pk}/").content.decode()
    assert "Record the exception" not in page


# --- Priority, sensitivity, roadmap ------------------------------------------------------------


@pytest.fixture
def scored(city):
    pillar = PillarFactory(plan=city.enterprise, name="One IT", weight=Decimal("2"))
    driver = DriverFactory(plan=city.enterprise, name="Secure", weight=Decimal("1"))
    theme = ThemeFactory(plan=city.enterprise, name="Infrastructure")

    def add(code: str, p: int, d: int) -> Initiative:
        initiative = InitiativeFactory(plan=city.enterprise, code=code, theme=theme, department=city.water)
        AlignmentScore.objects.create(initiative=initiative, pillar=pillar, score=p)
        AlignmentScore.objects.create(initiative=initiative, driver=driver, score=d)
        MilestoneFactory(initiative=initiative, due=datetime.date(2023, 3, 31))
        return initiative

    add("E-1", 3, 0)
    add("E-2", 0, 3)
    return pillar, driver, add


def test_priority_page_shows_method_weights_and_ranking(city, client, scored):
    page = signed_in(client, city.viewer).get("/plans/stp/priority/").content.decode()
    assert "Σ (weight × score)" in page
    # E-1: 2×3 / 9 × 100 = 66.67 ranks first; E-2: 1×3 / 9 × 100 = 33.33.
    assert page.index("E-1") < page.index("E-2")
    assert "66.67" in page and "33.33" in page
    assert "Save weights" not in page  # a viewer reads the weights, cannot change them


def test_plan_editor_changes_weights_in_the_form(city, client, scored):
    pillar, driver, _ = scored
    signed_in(client, city.editor)
    response = client.post("/plans/stp/priority/", {
        f"weight-pillar-{pillar.pk}": "1", f"weight-driver-{driver.pk}": "3",
        f"version-pillar-{pillar.pk}": pillar.version, f"version-driver-{driver.pk}": driver.version})
    assert response.status_code == 302
    # E-2 now: 3×3 / (3×4) × 100 = 75 against E-1: 1×3 / 12 × 100 = 25.
    assert dict(Initiative.objects.filter(plan=city.enterprise).values_list("code", "priority_rank")) == {
        "E-2": 1, "E-1": 2}


def test_a_bad_weight_is_shown_against_its_field_and_nothing_changes(city, client, scored):
    pillar, driver, _ = scored
    response = signed_in(client, city.editor).post("/plans/stp/priority/", {f"weight-pillar-{pillar.pk}": "-2"})
    assert response.status_code == 400
    assert "A weight must be zero or more." in response.content.decode()
    pillar.refresh_from_db()
    assert pillar.weight == Decimal("2")


def test_liaison_may_not_post_enterprise_weights(city, client, scored):
    pillar, _, _ = scored
    response = signed_in(client, city.water_liaison).post("/plans/stp/priority/", {f"weight-pillar-{pillar.pk}": "9"})
    assert response.status_code == 403


def test_sensitivity_page_lists_rank_changes(city, client, scored):
    _, _, add = scored
    add("E-3", 2, 2)  # 2×2 + 1×2 = 6 ties E-1 (2×3 = 6); E-1 first by code.
    # One IT +10%: E-1 6.6 > E-3 6.4, no change. One IT −10%: E-1 5.4 < E-3 5.6 → E-1 and E-3 swap.
    response = signed_in(client, city.viewer).get("/plans/stp/priority/sensitivity/")
    shifts = {(s.criterion.name, s.direction): [(c.initiative.code, c.before, c.after) for c in s.changes]
              for s in response.context["shifts"]}
    assert shifts[("One IT", "+10%")] == []
    assert sorted(shifts[("One IT", "−10%")]) == [("E-1", 1, 2), ("E-3", 2, 1)]


def test_priority_and_sensitivity_queries_do_not_grow_with_initiatives(city, client, scored):
    signed_in(client, city.viewer)
    few = (queries(client, "/plans/stp/priority/"), queries(client, "/plans/stp/priority/sensitivity/"))
    for n in range(12):
        scored[2](f"X-{n}", n % 4, (n + 1) % 4)
    assert (queries(client, "/plans/stp/priority/"), queries(client, "/plans/stp/priority/sensitivity/")) == few


def test_roadmap_has_a_text_alternative_and_filters(city, client, scored):
    page = signed_in(client, city.viewer).get("/plans/stp/roadmap/").content.decode()
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "The roadmap as a table" in page and "E-1" in page
    filtered = client.get(f"/plans/stp/roadmap/?department={city.police.pk}").content.decode()
    assert "No initiative matches." in filtered


def test_roadmap_queries_do_not_grow_with_initiatives(city, client, scored):
    signed_in(client, city.viewer)
    few = queries(client, "/plans/stp/roadmap/")
    for n in range(12):
        scored[2](f"R-{n}", 1, 1)
    assert queries(client, "/plans/stp/roadmap/") == few


def test_department_plan_pages_are_closed_to_another_departments_liaison(city, client):
    signed_in(client, city.police_liaison)
    for url in ("/plans/water-it/priority/", "/plans/water-it/roadmap/", "/plans/water-it/priority/sensitivity/"):
        assert client.get(url).status_code == 403
    assert client.post("/plans/water-it/priority/", {}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(city, client):
    for url in ("/plans/stp/alignment/", "/plans/stp/it-requests/", "/plans/stp/priority/", "/plans/stp/roadmap/"):
        assert client.get(url).status_code == 302
