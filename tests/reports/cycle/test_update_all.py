"""The update-all page: everything owed on one page, saved together through the services; a bad
row names itself and its field and keeps every input; the good rows are saved when asked."""

import pytest
from django.urls import reverse

from goals.models import MetricReading
from initiatives.models import Initiative, StatusUpdate
from reports.cycle.selectors import items_owed
from reports.recalculation import plan_recalculate
from tests.factories import UserFactory
from tests.reports.cycle.conftest import owed_plan

pytestmark = pytest.mark.django_db
URL = "/my/update/"


def _form_data(client, user) -> dict:
    """The page's form as the browser would post it untouched: each row's initial values."""
    response = client.get(URL)
    assert response.status_code == 200
    data = {}
    for row in response.context["initiative_rows"]:
        form = row.form
        for name in form.fields:
            data[f"{form.prefix}-{name}"] = form.initial.get(name, "")
    for row in response.context["metric_rows"]:
        for name in row.form.fields:
            data[f"{row.form.prefix}-{name}"] = ""
    return data


def data_period(client, prefix):
    """The period end the page shows for row `prefix`."""
    rows = client.get(URL).context
    return next(row.period_end for row in rows["initiative_rows"] + rows["metric_rows"] if row.prefix == prefix)


def _prefixes(owner):
    owed = items_owed(user=owner)
    initiatives = [f"i{o.item.pk}" for o in owed if o.kind == "initiative"]
    metrics = [f"m{o.item.pk}" for o in owed if o.kind == "metric"]
    return sorted(initiatives), sorted(metrics)


def test_the_url_is_named_for_the_reminder_link():
    assert reverse("cycle:update_all") == URL


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/my/update/"


def test_the_page_lists_the_five_items_owed_each_with_its_previous_report(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    response = client.get(URL)
    html = response.content.decode()
    assert len(response.context["initiative_rows"]) == 3 and len(response.context["metric_rows"]) == 2
    assert "Kick-off of initiative 1." in html  # the previous update beside the row
    assert "12 % for the period ending" in html  # the previous reading
    initiative, metric = response.context["initiative_rows"][0], response.context["metric_rows"][0]
    # Every input has its label.
    for prefix, names in (
        (initiative.prefix, ["status", "percent_complete", "narrative"]),
        (metric.prefix, ["value", "note"]),
    ):
        for name in names:
            assert f'<label for="id_{prefix}-{name}">' in html
    assert 'href="/my/update/"' in client.get("/my/").content.decode()  # linked from My work


def test_saving_all_five_posts_through_the_services_for_the_period_shown(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    initiatives, metrics = _prefixes(owner)
    for number, prefix in enumerate(initiatives, start=1):
        data[f"{prefix}-percent_complete"] = str(30 + number)
        data[f"{prefix}-narrative"] = f"Progress on {number}."
    data[f"{initiatives[0]}-status"] = "at_risk"
    for prefix in metrics:
        data[f"{prefix}-value"] = "40.5"
    shown = client.get(URL).context
    rows = {row.prefix: row for row in shown["initiative_rows"] + shown["metric_rows"]}
    response = client.post(URL, {**data, "action": "save-all"})
    plan_recalculate(plan_id=plan.pk)  # what the commit queues (tests run inside one transaction)
    assert response.status_code == 302 and response["Location"] == URL
    updates = StatusUpdate.objects.filter(narrative__startswith="Progress on").order_by("initiative__code")
    assert [(u.percent_complete, u.author) for u in updates] == [(31, owner), (32, owner), (33, owner)]
    assert updates[0].status == "at_risk"
    assert {u.period_ends_on for u in updates} == {rows[p].period_end for p in initiatives}
    readings = MetricReading.objects.filter(value="40.5")
    assert {r.period_end for r in readings} == {rows[p].period_end for p in metrics}
    # Audited once per initiative, with the page's reason.
    first = Initiative.objects.get(code="I-001")
    assert first.history.first().history_change_reason == "Status updates posted on the update-all page"
    assert first.history.first().history_user == owner
    # Nothing is owed any more for the periods reported; a late item may owe the next period next.
    assert all(o.period.ends_on > rows[f"{o.kind[0]}{o.item.pk}"].period_end for o in items_owed(user=owner))


def test_rows_left_as_they_were_are_not_saved(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    initiatives, _ = _prefixes(owner)
    data[f"{initiatives[1]}-narrative"] = "Only this one moved."
    client.post(URL, {**data, "action": "save-all"})
    assert StatusUpdate.objects.filter(narrative="Only this one moved.").count() == 1
    assert StatusUpdate.objects.count() == 4 and MetricReading.objects.count() == 2


def test_a_red_item_without_an_explanation_is_refused_naming_row_and_field_and_keeping_every_input(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    initiatives, metrics = _prefixes(owner)
    data[f"{initiatives[0]}-narrative"] = "Vendor contract signed."
    data[f"{initiatives[0]}-percent_complete"] = "45"
    data[f"{initiatives[1]}-status"] = "off_track"  # red, and no word why
    data[f"{initiatives[1]}-percent_complete"] = "21"
    data[f"{metrics[0]}-value"] = "33"
    data[f"{metrics[0]}-note"] = "Survey of 400 residents."
    response = client.post(URL, {**data, "action": "save-all"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2, I-002 Initiative number 2: What happened" in html
    assert "an explanation is required when an initiative turns off track" in html
    assert f'href="#id_{initiatives[1]}-narrative"' in html
    # Nothing stored, every input kept.
    assert StatusUpdate.objects.count() == 3 and MetricReading.objects.count() == 2
    assert "Vendor contract signed." in html and 'value="45"' in html and "Survey of 400 residents." in html
    assert 'value="33"' in html and 'value="21"' in html
    assert '<option value="off_track" selected>' in html
    assert "Save the 2 rows without errors" in html


def test_the_rows_without_errors_are_saved_when_the_user_chooses_so(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    initiatives, metrics = _prefixes(owner)
    data[f"{initiatives[0]}-narrative"] = "Vendor contract signed."
    data[f"{initiatives[1]}-status"] = "off_track"
    data[f"{metrics[0]}-value"] = "33"
    response = client.post(URL, {**data, "action": "save-good"})
    assert response.status_code == 400  # the bad row is still to correct
    html = response.content.decode()
    assert StatusUpdate.objects.filter(narrative="Vendor contract signed.").count() == 1
    assert MetricReading.objects.filter(value=33).count() == 1
    assert '<option value="off_track" selected>' in html  # the bad row keeps its input
    assert "Saved 1 status update and 1 reading." in html


def test_a_row_changed_by_someone_else_since_the_page_was_shown_is_refused_and_nothing_saved(client, five_owed):
    from initiatives.services import initiative_post_update

    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    initiatives, metrics = _prefixes(owner)
    data[f"{initiatives[0]}-narrative"] = "Mine."
    data[f"{metrics[0]}-value"] = "33"
    other = Initiative.objects.get(pk=int(initiatives[0][1:]))
    # A colleague's update for an earlier period: the row still owes its own, but the version moved.
    earlier = plan.reporting_calendar.before(plan.reporting_period_containing(data_period(client, initiatives[0])))
    initiative_post_update(
        initiative=other,
        author=owner,
        status="on_track",
        percent_complete=25,
        narrative="Theirs.",
        version=other.version,
        period_ends_on=earlier.ends_on,
    )
    response = client.post(URL, {**data, "action": "save-all"})
    assert response.status_code == 400
    assert "Someone else changed initiative I-001" in response.content.decode()
    assert not StatusUpdate.objects.filter(narrative="Mine.").exists()
    assert not MetricReading.objects.filter(value=33).exists()


def test_a_note_without_a_value_names_the_value(client, five_owed):
    plan, owner = five_owed
    client.force_login(owner)
    data = _form_data(client, owner)
    _, metrics = _prefixes(owner)
    data[f"{metrics[1]}-note"] = "Forgot the number."
    response = client.post(URL, {**data, "action": "save-all"})
    assert response.status_code == 400
    assert "Row 5, Metric number 2: Value" in response.content.decode()


def _queries(client, owner, *, post: bool) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    data = _form_data(client, owner)
    for key in data:
        if key.endswith("-narrative"):
            data[key] = "Moved on."
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {**data, "action": "save-all"}) if post else client.get(URL)
    assert response.status_code == (302 if post else 200)
    return [query["sql"] for query in queries.captured_queries]


def test_the_page_runs_as_many_queries_for_500_items_as_for_10(client):
    small = owed_plan(initiatives=5, metrics=5, owner=UserFactory(username="small"), slug="small")[1]
    large = owed_plan(initiatives=250, metrics=250, owner=UserFactory(username="large"), slug="large")[1]
    assert len(items_owed(user=large)) == 500
    assert len(_queries(client, large, post=False)) == len(_queries(client, small, post=False))


def test_saving_500_initiatives_reads_as_often_as_saving_10(client, settings):
    """One batch for the initiatives (each metric's reading is one service call). The reads are the
    same in number; the bulk writes are one statement each on PostgreSQL, which SQLite's limit on
    query parameters splits into a statement per few dozen rows (Django's batching, not a loop)."""
    from django.db import connection

    small = owed_plan(initiatives=10, metrics=0, owner=UserFactory(username="small"), slug="small")[1]
    large = owed_plan(initiatives=500, metrics=0, owner=UserFactory(username="large"), slug="large")[1]
    large_queries, small_queries = _queries(client, large, post=True), _queries(client, small, post=True)

    def reads(sqls):
        return [sql for sql in sqls if sql.startswith("SELECT")]

    assert len(reads(large_queries)) == len(reads(small_queries))
    if connection.vendor == "postgresql":
        assert len(large_queries) == len(small_queries)
    assert StatusUpdate.objects.filter(narrative="Moved on.").count() == 510
