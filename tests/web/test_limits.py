"""The text and date limits (planboard.core.limits) on the pages and the API: the field is named, nothing stored."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from goals.models import MetricReading
from initiatives.models import StatusUpdate
from planboard.core.limits import LONG_TEXT_MAX
from tests.web.test_writes import reading_data, update_data

pytestmark = pytest.mark.django_db


def test_the_update_form_refuses_a_narrative_one_character_too_long(client, owner, initiative):
    client.force_login(owner)
    data = update_data(initiative, narrative="x" * (LONG_TEXT_MAX + 1))

    response = client.post(reverse("initiative-update", args=[initiative.pk]), data)

    assert response.status_code == 400
    assert "At most 10000 characters; this text has 10001" in response.content.decode()
    assert StatusUpdate.objects.count() == 0


def test_the_update_form_refuses_a_date_in_1900(client, owner, initiative, plan):
    client.force_login(owner)

    response = client.post(
        reverse("initiative-update", args=[initiative.pk]), update_data(initiative, as_of="1900-01-01")
    )

    assert response.status_code == 400
    assert "An update dated 1900-01-01 is too early for this plan" in response.content.decode()
    assert StatusUpdate.objects.count() == 0


def test_the_api_refuses_year_one_and_an_overlong_narrative_naming_each_field(owner, initiative):
    api = APIClient()
    api.force_authenticate(owner)
    url = f"/api/v1/initiatives/{initiative.pk}/updates/"
    base = {"status": "on_track", "percent_complete": 40, "version": initiative.version}

    early = api.post(url, base | {"as_of": "0001-01-01"}, format="json")
    long = api.post(url, base | {"narrative": "x" * (LONG_TEXT_MAX + 1)}, format="json")

    assert early.status_code == 400 and "too early for this plan" in str(early.json()["as_of"])
    assert long.status_code == 400 and "narrative" in long.json()
    assert StatusUpdate.objects.count() == 0


def test_a_reading_for_a_period_in_1900_is_refused_on_the_page_and_the_api(client, owner, metric):
    client.force_login(owner)
    page = client.post(reverse("metric-detail", args=[metric.pk]), reading_data(period_end="1900-06-30"))
    api = APIClient()
    api.force_authenticate(owner)
    posted = api.post(
        f"/api/v1/metrics/{metric.pk}/readings/", {"period_end": "0001-06-30", "value": "70"}, format="json"
    )

    assert page.status_code == 400 and "A period ending 1900-06-30 is too early" in page.content.decode()
    assert posted.status_code == 400 and "period_end" in posted.json()
    assert MetricReading.objects.count() == 0
