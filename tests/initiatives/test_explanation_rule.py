"""Turning an initiative at risk or off track needs a short explanation, on every path: the
service, the batch (imports, the update-all page), the update form and the API; nothing stored."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from initiatives.models import InitiativeStatus, StatusUpdate
from initiatives.services import UpdateSpec, initiative_post_update, initiative_post_updates
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 3, 1)


@pytest.fixture
def on_track():
    owner = UserFactory(username="owner")
    return InitiativeFactory(owner=owner, status=InitiativeStatus.ON_TRACK, percent_complete=30), owner


@pytest.mark.parametrize("status", ["at_risk", "off_track"])
def test_the_service_refuses_turning_amber_or_red_without_a_word_naming_the_narrative(on_track, status):
    initiative, owner = on_track
    with pytest.raises(ValidationError) as error:
        initiative_post_update(
            initiative=initiative,
            author=owner,
            status=status,
            percent_complete=30,
            narrative="  ",
            version=1,
            as_of=TODAY,
        )
    assert "explanation is required" in error.value.message_dict["narrative"][0]
    assert not StatusUpdate.objects.exists()


def test_a_short_explanation_is_enough_and_staying_at_risk_needs_none(on_track):
    initiative, owner = on_track
    initiative_post_update(
        initiative=initiative,
        author=owner,
        status="at_risk",
        percent_complete=30,
        narrative="Vendor late.",
        version=1,
        as_of=TODAY,
    )
    initiative_post_update(
        initiative=initiative, author=owner, status="at_risk", percent_complete=35, version=2, as_of=TODAY
    )
    assert StatusUpdate.objects.count() == 2


def test_the_batch_names_the_row_and_stores_nothing(on_track):
    initiative, owner = on_track
    other = InitiativeFactory(plan=initiative.plan, owner=owner, status="on_track", percent_complete=10)
    specs = [
        UpdateSpec(initiative_id=other.pk, status="on_track", percent_complete=20, as_of=TODAY),
        UpdateSpec(initiative_id=initiative.pk, status="off_track", percent_complete=30, as_of=TODAY),
    ]
    with pytest.raises(ValidationError) as error:
        initiative_post_updates(author=owner, updates=specs)
    assert list(error.value.message_dict) == ["1"]
    assert "explanation is required" in error.value.message_dict["1"][0]
    assert not StatusUpdate.objects.exists()


def test_the_api_answers_400_naming_the_narrative(on_track, api):
    initiative, owner = on_track
    response = api(owner).post(
        f"/api/v1/initiatives/{initiative.pk}/updates/",
        {"status": "off_track", "percent_complete": 30, "as_of": "2024-03-01", "version": 1},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "explanation is required" in response.json()["narrative"][0]
    assert not StatusUpdate.objects.exists()


def test_the_update_form_shows_the_rule_on_the_narrative(on_track, client):
    initiative, owner = on_track
    client.force_login(owner)
    response = client.post(
        f"/initiatives/{initiative.pk}/update/",
        {"status": "at_risk", "percent_complete": 30, "narrative": "", "as_of": "2024-03-01", "version": 1},
    )
    assert response.status_code == 400
    assert "explanation is required" in response.content.decode()
    assert not StatusUpdate.objects.exists()
