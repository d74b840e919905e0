"""Priority through the REST API: method, weights, ranking and sensitivity."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import AlignmentScore
from tests.factories import DriverFactory, InitiativeFactory, PillarFactory


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
