import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.core.exceptions import ConflictError
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    owner = UserFactory(username="owner")
    return InitiativeFactory(owner=owner), owner


def test_post_update_appends_and_moves_current_status(owned):
    initiative, owner = owned
    update = initiative_post_update(
        initiative=initiative,
        author=owner,
        status="at_risk",
        percent_complete=40,
        narrative="Vendor slipped two weeks",
        as_of=datetime.date(2024, 3, 1),
        version=initiative.version,
    )
    initiative.refresh_from_db()
    assert update.pk and update.author == owner
    assert (initiative.status, initiative.percent_complete, initiative.last_update_on) == (
        "at_risk",
        40,
        datetime.date(2024, 3, 1),
    )
    assert initiative.version == 2
    assert initiative.plan.needs_recalculation is True
    assert initiative.history.first().history_user == owner


def test_stale_version_is_refused_and_nothing_changes(owned):
    initiative, owner = owned
    seen = initiative.version
    initiative_post_update(initiative=initiative, author=owner, status="on_track", percent_complete=10, version=seen)
    with pytest.raises(ConflictError) as conflict:
        initiative_post_update(
            initiative=initiative, author=owner, status="off_track", percent_complete=5, version=seen
        )
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
        initiative_post_update(
            initiative=initiative, author=UserFactory(), status="on_track", percent_complete=5, version=1
        )
    assert StatusUpdate.objects.count() == 0


def test_a_backdated_update_joins_the_timeline_but_keeps_the_newer_status(owned):
    initiative, owner = owned
    initiative_post_update(
        initiative=initiative,
        author=owner,
        status="on_track",
        percent_complete=50,
        as_of=datetime.date(2024, 5, 1),
        version=1,
    )
    initiative_post_update(
        initiative=initiative,
        author=owner,
        status="at_risk",
        percent_complete=30,
        narrative="Staff on leave.",
        as_of=datetime.date(2024, 2, 1),
        version=2,
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.percent_complete) == ("on_track", 50)
    assert initiative.updates.count() == 2


# --- Posting in bulk (imports) -------------------------------------------------------------


def _spec(initiative, as_of, status, percent, narrative=""):
    from initiatives.services import UpdateSpec

    return UpdateSpec(
        initiative_id=initiative.pk, status=status, percent_complete=percent, as_of=as_of, narrative=narrative
    )


def test_bulk_updates_append_move_the_newest_and_audit_once_per_initiative(owned, django_assert_max_num_queries):
    from initiatives.services import initiative_post_updates

    initiative, owner = owned
    objective_link = initiative.plan.goals.create(number=1, title="Goal").objectives.create(code="1.1", title="O")
    initiative.supports.add(objective_link)
    other = InitiativeFactory(plan=initiative.plan, owner=owner)
    history_before = initiative.history.count()
    specs = [
        _spec(initiative, datetime.date(2024, 3, 1), "on_track", 30),
        _spec(initiative, datetime.date(2024, 1, 1), "on_track", 10),  # older: joins the timeline only
        _spec(other, datetime.date(2024, 2, 1), "at_risk", 5, "vendor late"),
        _spec(initiative, datetime.date(2024, 3, 1), "at_risk", 35, "same day, later in the file"),
    ]
    with django_assert_max_num_queries(25):
        rows = initiative_post_updates(author=owner, updates=specs, reason="Imported from updates.xlsx")
    assert len(rows) == 4 and StatusUpdate.objects.count() == 4
    initiative.refresh_from_db()
    # newest date is 2024-03-01; of its two updates the later one in the file wins
    assert (initiative.status, initiative.percent_complete, initiative.last_update_on) == (
        "at_risk",
        35,
        datetime.date(2024, 3, 1),
    )
    assert initiative.version == 2
    assert initiative.history.count() == history_before + 1
    entry = initiative.history.first()
    assert (entry.history_user, entry.history_change_reason) == (owner, "Imported from updates.xlsx")
    # the link snapshot is kept beside the entry, so the history shows no false link change
    assert list(entry.supports.values_list("objective_id", flat=True)) == [objective_link.pk]
    assert not [c for c in history_diff_fields(initiative) if c == "supports"]
    assert Initiative.objects.get(pk=other.pk).status == "at_risk"


def history_diff_fields(initiative):
    from planboard.core.audit import history_diff

    return [change["field"] for change in history_diff(initiative)[0]["changes"]]


def test_one_bad_item_stores_nothing_and_names_its_position(owned):
    from initiatives.services import initiative_post_updates

    initiative, owner = owned
    specs = [
        _spec(initiative, datetime.date(2024, 3, 1), "on_track", 30),
        _spec(initiative, datetime.date(2024, 3, 2), "completed", 80),  # completed must be 100%
    ]
    with pytest.raises(ValidationError) as error:
        initiative_post_updates(author=owner, updates=specs)
    assert list(error.value.message_dict) == ["1"]
    assert "100%" in error.value.message_dict["1"][0]
    assert StatusUpdate.objects.count() == 0 and Initiative.objects.get().version == 1


def test_bulk_updates_refuse_an_initiative_the_author_may_not_edit(owned):
    from initiatives.services import initiative_post_updates

    initiative, _ = owned
    with pytest.raises(ValidationError) as error:
        initiative_post_updates(
            author=UserFactory(), updates=[_spec(initiative, datetime.date(2024, 3, 1), "on_track", 5)]
        )
    assert "may not post updates" in error.value.message_dict["0"][0]
    assert StatusUpdate.objects.count() == 0
