"""The priority and sensitivity pages: the method beside the ranking, changing weights, rank changes.

The initiatives `scored` against a pillar and a driver: tests/initiatives/conftest.py."""

from decimal import Decimal

from initiatives.models import Initiative
from tests.initiatives.helpers import queries, signed_in


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
    response = client.post(
        "/plans/stp/priority/",
        {
            f"weight-pillar-{pillar.pk}": "1",
            f"weight-driver-{driver.pk}": "3",
            f"version-pillar-{pillar.pk}": pillar.version,
            f"version-driver-{driver.pk}": driver.version,
        },
    )
    assert response.status_code == 302
    # E-2 now: 3×3 / (3×4) × 100 = 75 against E-1: 1×3 / 12 × 100 = 25.
    assert dict(Initiative.objects.filter(plan=city.enterprise).values_list("code", "priority_rank")) == {
        "E-2": 1,
        "E-1": 2,
    }


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
    shifts = {
        (s.criterion.name, s.direction): [(c.initiative.code, c.before, c.after) for c in s.changes]
        for s in response.context["shifts"]
    }
    assert shifts[("One IT", "+10%")] == []
    assert sorted(shifts[("One IT", "−10%")]) == [("E-1", 1, 2), ("E-3", 2, 1)]


def test_priority_and_sensitivity_queries_do_not_grow_with_initiatives(city, client, scored):
    signed_in(client, city.viewer)
    few = (queries(client, "/plans/stp/priority/"), queries(client, "/plans/stp/priority/sensitivity/"))
    for n in range(12):
        scored[2](f"X-{n}", n % 4, (n + 1) % 4)
    assert (queries(client, "/plans/stp/priority/"), queries(client, "/plans/stp/priority/sensitivity/")) == few
