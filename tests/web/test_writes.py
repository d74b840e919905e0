"""Posting an update and adding a reading from the pages: permissions, errors, conflicts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import MetricReading
from initiatives.models import Initiative, StatusUpdate
from tests.factories import InitiativeFactory, ReadingFactory

pytestmark = pytest.mark.django_db


def update_data(initiative, **changes) -> dict:
    data = {
        "status": "on_track",
        "percent_complete": 40,
        "narrative": "Pilot group enrolled.",
        "as_of": datetime.date.today().isoformat(),
        "version": initiative.version,
    }
    return data | changes


def test_viewer_sees_no_update_form_and_a_forged_post_is_refused_with_nothing_stored(client, viewer_user, initiative):
    client.force_login(viewer_user)
    page = client.get(reverse("initiative-detail", args=[initiative.pk])).content.decode()
    assert "Post an update" not in page and reverse("initiative-update", args=[initiative.pk]) not in page
    response = client.post(reverse("initiative-update", args=[initiative.pk]), update_data(initiative))
    assert response.status_code == 403
    assert StatusUpdate.objects.count() == 0
    assert Initiative.objects.get(pk=initiative.pk).version == initiative.version


def test_owner_posts_an_update_and_the_plan_figures_follow(
    client, owner, plan, initiative, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    page = client.get(reverse("initiative-detail", args=[initiative.pk])).content.decode()
    assert f'name="version" value="{initiative.version}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("initiative-update", args=[initiative.pk]), update_data(initiative))
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.percent_complete, update.narrative, update.author) == (40, "Pilot group enrolled.", owner)
    # One initiative, no metrics: plan progress = 40 / 100 = 40%.
    dashboard = client.get(reverse("plan-dashboard", args=[plan.slug])).content.decode()
    assert re.search(r'id="plan-progress"><a class="figure"[^>]*>40%</a>', dashboard)


def test_htmx_post_answers_with_the_refreshed_figures_only(client, owner, initiative):
    client.force_login(owner)
    response = client.post(
        reverse("initiative-update", args=[initiative.pk]),
        update_data(initiative, percent_complete=55),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="initiative-live">') and "<html" not in html
    assert "<dd>55%</dd>" in html and "Update posted" in html
    # The refreshed form carries the new version, so the next update is not a conflict.
    assert f'name="version" value="{initiative.version + 1}"' in html


def test_stale_version_shows_what_changed_and_keeps_the_writers_text(client, owner, initiative):
    client.force_login(owner)
    first = update_data(initiative, percent_complete=30, narrative="Someone else's report.")
    assert client.post(reverse("initiative-update", args=[initiative.pk]), first).status_code == 302
    mine = update_data(initiative, percent_complete=45, narrative="My careful three-paragraph report.")
    response = client.post(reverse("initiative-update", args=[initiative.pk]), mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else updated this initiative while you were writing" in html
    assert "My careful three-paragraph report.</textarea>" in html
    assert re.search(r"<th scope=\"row\">Percent complete</th><td>20</td><td>30</td>", html)
    assert f'name="version" value="{initiative.version + 1}"' in html
    assert StatusUpdate.objects.count() == 1


def test_bad_update_names_the_field_and_stores_nothing(client, owner, initiative):
    client.force_login(owner)
    response = client.post(
        reverse("initiative-update", args=[initiative.pk]),
        update_data(initiative, status="completed", percent_complete=50),
    )
    assert response.status_code == 400
    assert "A completed initiative is 100% complete." in response.content.decode()
    assert StatusUpdate.objects.count() == 0


def test_future_date_is_refused_against_as_of(client, owner, initiative):
    client.force_login(owner)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(reverse("initiative-update", args=[initiative.pk]), update_data(initiative, as_of=tomorrow))
    assert response.status_code == 400 and "An update cannot be dated in the future." in response.content.decode()
    assert StatusUpdate.objects.count() == 0


def test_liaison_updates_their_department_initiatives_only(client, liaison, police, police_plan, initiative):
    theirs = InitiativeFactory(plan=police_plan, department=police, code="POL-1")
    client.force_login(liaison)
    assert client.post(reverse("initiative-update", args=[theirs.pk]), update_data(theirs)).status_code == 302
    assert client.post(reverse("initiative-update", args=[initiative.pk]), update_data(initiative)).status_code == 403
    assert list(StatusUpdate.objects.values_list("initiative__code", flat=True)) == ["POL-1"]
    page = client.get(reverse("initiative-detail", args=[initiative.pk])).content.decode()
    assert "Post an update" not in page


def test_initiative_list_shows_update_button_only_where_allowed(client, liaison, police, police_plan, plan, initiative):
    client.force_login(liaison)
    page = client.get(reverse("initiative-list", args=[plan.slug])).content.decode()
    assert "#post-update" not in page


def reading_data(**changes) -> dict:
    return {"period_end": "2023-06-30", "value": "72.5", "note": "From the identity provider."} | changes


def test_owner_adds_a_reading(client, owner, metric):
    client.force_login(owner)
    response = client.post(reverse("metric-detail", args=[metric.pk]), reading_data())
    assert response.status_code == 302
    assert MetricReading.objects.get().value == Decimal("72.5")


def test_second_reading_for_a_period_is_an_error_naming_the_period(client, owner, metric):
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30), value=Decimal("60"))
    client.force_login(owner)
    response = client.post(reverse("metric-detail", args=[metric.pk]), reading_data())
    assert response.status_code == 400
    assert "already has a reading for the period ending 2023-06-30" in response.content.decode()
    assert MetricReading.objects.get().value == Decimal("60")


def test_ticking_correct_replaces_the_reading_for_that_period(client, owner, metric):
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30), value=Decimal("60"))
    client.force_login(owner)
    response = client.post(reverse("metric-detail", args=[metric.pk]), reading_data(correct="on"))
    assert response.status_code == 302
    assert list(MetricReading.objects.values_list("value", flat=True)) == [Decimal("72.5")]


def test_viewer_sees_no_reading_form_and_a_forged_post_stores_nothing(client, viewer_user, metric):
    client.force_login(viewer_user)
    page = client.get(reverse("metric-detail", args=[metric.pk])).content.decode()
    assert "Add a reading" not in page
    assert client.post(reverse("metric-detail", args=[metric.pk]), reading_data()).status_code == 403
    assert MetricReading.objects.count() == 0


def test_reading_with_no_value_names_the_field(client, owner, metric):
    client.force_login(owner)
    response = client.post(reverse("metric-detail", args=[metric.pk]), reading_data(value=""))
    assert response.status_code == 400
    assert re.search(r'id="id_value_error"><li>This field is required.</li>', response.content.decode())
    assert MetricReading.objects.count() == 0
