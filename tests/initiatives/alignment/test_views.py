"""The alignment page: what it shows, who sees what, and query counts that do not grow with rows."""

import csv
import io

from tests.factories import DepartmentFactory, DepartmentPlanFactory, GoalFactory, InitiativeFactory, ObjectiveFactory
from tests.initiatives.helpers import queries, signed_in


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
    assert (w12["link"], w12["enterprise objective"], w12["via"]) == (
        "indirect",
        "1.1 Protect accounts",
        "W1.1 Segment SCADA",
    )


def test_matrix_hides_the_plans_a_liaison_may_not_read(city, client):
    page = signed_in(client, city.police_liaison).get("/plans/stp/alignment/").content.decode()
    assert "Police" in page and "Water Services" not in page and "Intranet refresh" not in page


def test_matrix_queries_do_not_grow_with_departments(city, client):
    signed_in(client, city.viewer)
    few = queries(client, "/plans/stp/alignment/")
    for _ in range(6):
        plan = DepartmentPlanFactory(department=DepartmentFactory(), parent=city.enterprise)
        objective = ObjectiveFactory(goal=GoalFactory(plan=plan))
        objective.aligned_to.set([city.e21])
        InitiativeFactory(plan=plan, department=plan.department).aligned_to.set([objective])
        InitiativeFactory(plan=plan)
    assert queries(client, "/plans/stp/alignment/") == few
