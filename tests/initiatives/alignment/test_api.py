"""Alignment through the REST API: a department plan's links, the enterprise plan's matrix."""


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
