"""Bad input on every kind of writable field gets 400 naming the field, and no row is written.

Kinds: empty, too long, wrong type, out of range, a NUL character, a wrong choice, a rule across
fields. HTML is a separate case: it is stored as typed (the browser, the admin and imports store
the same text, so refusing it here alone would split the rules) and never sent back as markup:
JSON responses escape <, > and & (see planboard/core/api.py).
"""

import json

import pytest
from django.apps import apps

from tests.api.test_matrix import Targets, _prefix
from tests.api.test_writes import MODELS

CASES = [
    # resource, field, bad value, kind
    ("goal", "title", "", "empty"),
    ("goal", "title", "   ", "blank after trimming"),
    ("goal", "title", None, "null"),
    ("goal", "title", "x" * 201, "too long (max 200)"),
    ("goal", "title", "Line\x00break", "NUL"),
    ("goal", "description", "\x00", "NUL in a text area"),
    ("goal", "number", "seven", "wrong type"),
    ("goal", "number", 0, "out of range (goals start at 1)"),
    ("goal", "number", 1, "duplicate number in the plan"),
    ("goal", "weight", "heavy", "wrong type"),
    ("goal", "weight", "-1", "out of range (not negative)"),
    ("goal", "weight", "12345678.9", "too many digits"),
    ("goal", "plan", "enterprise", "wrong type"),
    ("goal", "plan", 999999, "no such plan"),
    ("department", "name", "x" * 121, "too long (max 120)"),
    ("department", "slug", "not a slug!", "pattern"),
    ("department", "is_active", "maybe", "wrong type"),
    ("plan", "fiscal_year_start_month", 13, "out of range"),
    ("plan", "start_fiscal_year", 1999, "out of range"),
    ("plan", "end_fiscal_year", 2020, "before the start year"),
    ("plan", "metric_share", "1.5", "out of range"),
    ("plan", "scope", "citywide", "not a choice"),
    ("plan", "department", [1], "wrong type"),
    ("objective", "code", "2 3", "pattern"),
    ("objective", "code", "x" * 21, "too long (max 20)"),
    ("objective", "term", "medium", "not a choice"),
    ("objective", "aligned_to", "1", "not a list"),
    ("metric", "baseline", "lots", "wrong type"),
    ("metric", "target", "95", "equal to the baseline"),
    ("metric", "target_date", "2020-01-01", "before the baseline date"),
    ("metric", "baseline_date", "30/06/2022", "wrong date format"),
    ("metric", "unit", "x" * 41, "too long (max 40)"),
    ("metric", "direction", "sideways", "not a choice"),
    ("initiative", "code", "", "empty"),
    ("initiative", "target_date", "2022-01-01", "before the start date"),
    ("initiative", "budget_estimate", "-5", "negative"),
    ("initiative", "budget_estimate", "1e20", "too many digits"),
    ("initiative", "update_cadence_days", 0, "out of range"),
    ("initiative", "update_cadence_days", 1.5, "wrong type"),
    ("initiative", "supports", [True], "wrong type in a list"),
    ("milestone", "due", "", "empty date"),
    ("milestone", "done_on", "2999-01-01", "in the future"),
    ("it-request", "amount", "-1", "negative"),
    ("it-request", "fiscal_year", 1900, "out of range"),
    ("it-request", "plan", "plan_a", "a department plan"),
]
EXTRA = {("initiative", "target_date"): {"start_date": "2022-07-01"}}


def _value(city, resource: str, field: str, value):
    # A few cases need an id known only once the city exists.
    if value == "plan_a":
        return city.plan_a.pk
    return value


@pytest.mark.parametrize(("resource", "field", "value", "kind"), CASES, ids=[f"{r}.{f}-{k}" for r, f, _, k in CASES])
def test_bad_value_on_creation_names_the_field_and_stores_nothing(resource, field, value, kind, city, api, admin_user):
    model = apps.get_model(MODELS[resource])
    body = {
        **Targets(city).create_data(resource),
        **EXTRA.get((resource, field), {}),
        field: _value(city, resource, field, value),
    }
    rows_before = model.objects.count()

    response = api(admin_user).post(f"/api/v1/{_prefix(resource)}/", body, format="json")

    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert all(isinstance(message, str) and message for message in errors[field])
    assert model.objects.count() == rows_before


@pytest.mark.parametrize(("field", "value"), [("title", ""), ("title", "x" * 201), ("weight", "-2"), ("number", "one")])
def test_bad_value_on_a_change_names_the_field_and_changes_nothing(field, value, city, api, admin_user):
    response = api(admin_user).patch(f"/api/v1/goals/{city.goal.pk}/", {field: value, "version": 1}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    city.goal.refresh_from_db()
    assert (city.goal.version, city.goal.number, str(city.goal.weight)) == (1, 1, "1.00")


def test_every_bad_field_is_reported_at_once(city, api, admin_user):
    body = {"plan": city.enterprise.pk, "number": -1, "title": "", "weight": "x"}
    response = api(admin_user).post("/api/v1/goals/", body, format="json")
    assert set(response.json()) == {"number", "title", "weight"}


def test_a_body_that_is_not_json_is_refused_with_a_message(city, api, admin_user):
    response = api(admin_user).post("/api/v1/goals/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_html_is_stored_as_typed_and_never_sent_back_as_markup(city, api, admin_user):
    title = '<script>alert("x")</script> & <b>bold</b>'
    response = api(admin_user).post(
        "/api/v1/goals/", {"plan": city.enterprise.pk, "number": 3, "title": title}, format="json"
    )

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert b"<" not in response.content and b">" not in response.content and b"&" not in response.content
    assert b"\\u003cscript\\u003e" in response.content
    assert json.loads(response.content)["title"] == title
    assert apps.get_model("goals.Goal").objects.get(number=3, plan=city.enterprise).title == title
