"""The roadmap page: its text alternative, its filters, and query counts that do not grow with rows."""

from tests.initiatives.helpers import queries, signed_in


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
