"""Status updates and readings posted by other systems, explanations, the open-data export,
tokens, throttling and the documentation pages."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from goals.models import Goal, Metric
from initiatives.models import Initiative
from tests.factories import MetricFactory, ReadingFactory, StatusUpdateFactory, UserFactory


def test_posting_a_status_update_moves_the_initiative_and_appends_to_its_timeline(city, api, editor):
    initiative = city.initiative
    StatusUpdateFactory(initiative=initiative, as_of=datetime.date(2023, 1, 15), percent_complete=25)
    client = api(editor)
    url = f"/api/v1/initiatives/{initiative.pk}/updates/"

    posted = client.post(
        url,
        {"status": "at_risk", "percent_complete": 40, "narrative": "Vendor late", "as_of": "2023-02-15", "version": 1},
        format="json",
    )

    assert posted.status_code == 201, posted.content
    assert (posted.json()["author"], posted.json()["initiative"]) == (editor.pk, initiative.pk)
    initiative.refresh_from_db()
    assert (initiative.status, initiative.percent_complete, initiative.version) == ("at_risk", 40, 2)
    timeline = client.get(url).json()["results"]
    assert [(u["as_of"], u["percent_complete"]) for u in timeline] == [("2023-02-15", 40), ("2023-01-15", 25)]


def test_a_status_update_breaking_a_rule_names_the_field(city, api, editor):
    response = api(editor).post(
        f"/api/v1/initiatives/{city.initiative.pk}/updates/",
        {"status": "completed", "percent_complete": 60, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "percent_complete" in response.json()
    assert not city.initiative.updates.exists()


def test_a_status_update_needs_the_initiatives_version(city, api, editor):
    response = api(editor).post(
        f"/api/v1/initiatives/{city.initiative.pk}/updates/",
        {"status": "on_track", "percent_complete": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_metrics_owner_records_readings_but_cannot_change_the_metric(city, api):
    owner = UserFactory(username="uptime_monitor")
    Metric.objects.filter(pk=city.metric.pk).update(owner=owner)
    client = api(owner)
    url = f"/api/v1/metrics/{city.metric.pk}/readings/"
    # The owner reads the enterprise plan (every signed-in user does) and records a value.
    first = client.post(url, {"period_end": "2023-06-30", "value": "72.5"}, format="json")
    assert first.status_code == 201
    assert first.json()["entered_by"] == owner.pk
    again = client.post(url, {"period_end": "2023-06-30", "value": "73"}, format="json")
    assert again.status_code == 400 and "period_end" in again.json()
    corrected = client.post(url, {"period_end": "2023-06-30", "value": "73", "correct": True}, format="json")
    assert corrected.status_code == 201
    assert [r["value"] for r in client.get(url).json()["results"]] == ["73.0000"]
    metric = client.patch(f"/api/v1/metrics/{city.metric.pk}/", {"name": "Renamed", "version": 1}, format="json")
    assert metric.status_code == 403


def test_explain_shows_the_arithmetic_behind_a_figure(city, api, viewer):
    ReadingFactory(metric=city.metric, period_end=datetime.date(2023, 6, 30), value=Decimal("60"))
    explained = api(viewer).get(f"/api/v1/metrics/{city.metric.pk}/explain/").json()
    # Baseline 50, target 90, latest 60: (60 − 50) / (90 − 50) = 0.25.
    assert explained["node"] == "metric"
    assert explained["arithmetic"].endswith("= 0.250")
    goal = api(viewer).get(f"/api/v1/goals/{city.goal.pk}/explain/").json()
    assert goal["inputs"]["objectives"][0]["id"] == city.objective.pk


def test_the_grade_is_read_from_the_cached_figures(city, api, viewer):
    # Progress 0.45 against pace 0.5: ratio 0.9, an A.
    Goal.objects.filter(pk=city.goal.pk).update(progress=0.45, pace=0.5, health="on_track")
    goal = api(viewer).get(f"/api/v1/goals/{city.goal.pk}/").json()
    assert (goal["progress"], goal["pace"], goal["health"], goal["grade"]) == (0.45, 0.5, "on_track", "A")


def test_the_export_holds_the_whole_plan(city, api, viewer):
    ReadingFactory(metric=city.metric, period_end=datetime.date(2023, 6, 30), value=Decimal("61"))
    StatusUpdateFactory(initiative=city.initiative, narrative="Kick-off held")
    city.initiative.supports.add(city.objective)
    response = api(viewer).get(f"/api/v1/plans/{city.enterprise.pk}/export/")
    document = json.loads(b"".join(response.streaming_content))  # a streamed answer
    assert document["plan"]["title"] == "Enterprise plan"
    objective = document["goals"][0]["objectives"][0]
    assert objective["metrics"][0]["readings"] == [{"period_end": "2023-06-30", "value": "61.0000", "note": ""}]
    initiative = document["initiatives"][0]
    assert (initiative["status"], initiative["supports"]) == ("not_started", [city.objective.pk])
    assert initiative["updates"][0]["narrative"] == "Kick-off held"


def test_a_published_plan_is_open_to_the_public(city, api):
    anonymous = api(None)
    assert anonymous.get(f"/api/v1/plans/{city.enterprise.pk}/export/").status_code == 404
    city.enterprise.is_published = True
    city.enterprise.save()
    assert anonymous.get(f"/api/v1/plans/{city.enterprise.pk}/export/").status_code == 200
    assert [g["id"] for g in anonymous.get("/api/v1/goals/").json()["results"]] == [city.goal.pk]


def test_writing_without_credentials_is_401_with_a_token_challenge(city, api):
    response = api(None).post("/api/v1/goals/", {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_api_token_command_issues_shows_and_revokes(city, api, capsys):
    user = UserFactory(username="finance_feed")
    call_command("api_token", "finance_feed")
    key = capsys.readouterr().out.strip()
    call_command("api_token", "finance_feed")
    assert capsys.readouterr().out.strip() == key
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/goals/", {}, format="json").status_code == 400  # signed in: the body is judged
    call_command("api_token", "finance_feed", "--revoke")
    assert "Revoked" in capsys.readouterr().out
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/goals/").status_code == 401
    with pytest.raises(CommandError, match="No user named"):
        call_command("api_token", "nobody")


def test_anonymous_and_signed_in_callers_are_throttled(city, api, viewer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
    }
    anonymous, signed_in = api(None), api(viewer)
    assert [anonymous.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]
    assert [signed_in.get("/api/v1/plans/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(signed_in.get("/api/v1/plans/")["Retry-After"]) > 0


def test_schema_and_docs_are_served(city, api):
    schema = api(None).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths["/api/v1/goals/{id}/"]["put"]["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    delete_parameters = {p["name"] for p in paths["/api/v1/goals/{id}/"]["delete"]["parameters"]}
    assert "version" in delete_parameters
    assert "409" in paths["/api/v1/initiatives/{initiative_pk}/updates/"]["post"]["responses"]
    docs = api(None).get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_deleting_an_initiative_takes_a_plan_editor_not_its_owner(city, api):
    owner = UserFactory(username="project_manager")
    Initiative.objects.filter(pk=city.initiative.pk).update(owner=owner)
    client = api(owner)
    assert (
        client.patch(
            f"/api/v1/initiatives/{city.initiative.pk}/", {"title": "Mine", "version": 1}, format="json"
        ).status_code
        == 200
    )
    assert client.delete(f"/api/v1/initiatives/{city.initiative.pk}/?version=2").status_code == 403
    assert Initiative.objects.filter(pk=city.initiative.pk).exists()


def test_readings_of_a_metric_that_does_not_exist_are_404(city, api, viewer):
    assert api(viewer).get("/api/v1/metrics/999999/readings/").status_code == 404
    assert MetricFactory._meta.model.objects.count() == 3
