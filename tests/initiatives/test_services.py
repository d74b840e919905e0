import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.exceptions import ConflictError
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    owner = UserFactory(username="owner")
    return InitiativeFactory(owner=owner, plan__needs_recalculation=False), owner


def test_post_update_appends_and_moves_current_status(owned):
    initiative, owner = owned
    update = initiative_post_update(
        initiative=initiative, author=owner, status="at_risk", percent_complete=40,
        narrative="Vendor slipped two weeks", as_of=datetime.date(2024, 3, 1), version=initiative.version,
    )
    initiative.refresh_from_db()
    assert update.pk and update.author == owner
    assert (initiative.status, initiative.percent_complete, initiative.last_update_on) == ("at_risk", 40, datetime.date(2024, 3, 1))
    assert initiative.version == 2
    assert initiative.plan.needs_recalculation is True
    assert initiative.history.first().history_user == owner


def test_stale_version_is_refused_and_nothing_changes(owned):
    initiative, owner = owned
    seen = initiative.version
    initiative_post_update(initiative=initiative, author=owner, status="on_track", percent_complete=10, version=seen)
    with pytest.raises(ConflictError) as conflict:
        initiative_post_update(initiative=initiative, author=owner, status="off_track", percent_complete=5, version=seen)
    assert conflict.value.current.percent_complete == 10
    assert StatusUpdate.objects.count() == 1
    assert Initiative.objects.get().status == "on_track"


def test_bad_percent_names_the_field_and_stores_nothing(owned):
    initiative, owner = owned
    with pytest.raises(ValidationError) as error:
        initiative_post_update(initiative=initiative, author=owner, status="on_track", percent_complete=140, version=1)
    assert "percent_complete" in error.value.message_dict
    assert StatusUpdate.objects.count() == 0
    assert Initiative.objects.get().version == 1


def test_a_stranger_may_not_post(owned):
    initiative, _ = owned
    with pytest.raises(PermissionDenied):
        initiative_post_update(initiative=initiative, author=UserFactory(), status="on_track", percent_complete=5, version=1)
    assert StatusUpdate.objects.count() == 0


def test_a_backdated_update_joins_the_timeline_but_keeps_the_newer_status(owned):
    initiative, owner = owned
    initiative_post_update(initiative=initiative, author=owner, status="on_track", percent_complete=50,
                           as_of=datetime.date(2024, 5, 1), version=1)
    initiative_post_update(initiative=initiative, author=owner, status="at_risk", percent_complete=30,
                           as_of=datetime.date(2024, 2, 1), version=2)
    initiative.refresh_from_db()
    assert (initiative.status, initiative.percent_complete) == ("on_track", 50)
    assert initiative.updates.count() == 2
