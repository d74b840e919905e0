"""Reopening a completed initiative is an explicit act with a reason, on every path: the service,
its batch form, the "Post an update" page, the API, the admin and the spreadsheet import. The
completed date is cleared only then, and the history records the reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from initiatives.services import UpdateSpec, initiative_post_update, initiative_post_updates
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.factories import InitiativeFactory, PlanFactory, UserFactory
from tests.transfer.helpers import csv_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DONE_ON = TODAY - datetime.timedelta(days=20)
REASON = "Council asked for a second phase covering the libraries."


@pytest.fixture
def owner():
    return UserFactory(username="owner-ann")


@pytest.fixture
def done(owner):
    """PHX-7, completed 20 days ago by a status update (so its completed date is that day)."""
    plan = PlanFactory(slug="stp")
    initiative = InitiativeFactory(
        plan=plan,
        code="PHX-7",
        owner=owner,
        start_date=TODAY - datetime.timedelta(days=400),
        target_date=TODAY + datetime.timedelta(days=100),
    )
    initiative_post_update(
        initiative=initiative, author=owner, status="completed", percent_complete=100, as_of=DONE_ON, version=1
    )
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.COMPLETED and initiative.completed_date == DONE_ON
    return initiative


def _unchanged(initiative: Initiative, updates: int = 1) -> None:
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.COMPLETED and initiative.completed_date == DONE_ON
    assert StatusUpdate.objects.filter(initiative=initiative).count() == updates


def _reopened(initiative: Initiative) -> None:
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ON_TRACK and initiative.completed_date is None
    record = initiative.history.order_by("-history_id").first()
    assert record.history_change_reason == f"Reopened: {REASON}"


# --- The service ---------------------------------------------------------------------------------


def post(initiative, author, status="on_track", percent=80, **kwargs):
    initiative.refresh_from_db()
    return initiative_post_update(
        initiative=initiative,
        author=author,
        status=status,
        percent_complete=percent,
        version=initiative.version,
        **kwargs,
    )


def test_the_service_refuses_to_reopen_without_a_reason_naming_reopen_reason(done, owner):
    with pytest.raises(ValidationError) as caught:
        post(done, owner)
    assert "reopen_reason" in caught.value.message_dict
    assert f"completed on {DONE_ON:%Y-%m-%d}" in caught.value.message_dict["reopen_reason"][0]
    _unchanged(done)
    with pytest.raises(ValidationError):
        post(done, owner, reopen_reason="   ")


def test_the_service_reopens_with_a_reason_and_records_it(done, owner):
    post(done, owner, reopen_reason=REASON)
    _reopened(done)


def test_what_is_not_a_reopening_needs_no_reason(done, owner):
    # Another "completed" update keeps the first completed date; an older-dated update joins the
    # record without moving the status.
    post(done, owner, "completed", 100)
    done.refresh_from_db()
    assert done.completed_date == DONE_ON
    post(done, owner, percent=60, as_of=DONE_ON - datetime.timedelta(days=5))
    _unchanged(done, updates=3)


def test_the_batch_refuses_a_reopening_without_a_reason_by_position_and_stores_nothing(done, owner):
    specs = [
        UpdateSpec(
            initiative_id=done.pk, status="completed", percent_complete=100, as_of=TODAY - datetime.timedelta(days=2)
        ),
        UpdateSpec(initiative_id=done.pk, status="at_risk", percent_complete=90, as_of=TODAY, narrative="Slipped."),
    ]
    with pytest.raises(ValidationError) as caught:
        initiative_post_updates(author=owner, updates=specs)
    assert list(caught.value.message_dict) == ["1"] and "would reopen it" in caught.value.message_dict["1"][0]
    _unchanged(done)
    specs[1] = UpdateSpec(
        initiative_id=done.pk, status="on_track", percent_complete=90, as_of=TODAY, reopen_reason=REASON
    )
    initiative_post_updates(author=owner, updates=specs)
    _reopened(done)


# --- The "Post an update" page --------------------------------------------------------------------


def _form(done, **changes):
    data = {
        "status": "on_track",
        "percent_complete": 80,
        "as_of": f"{TODAY:%Y-%m-%d}",
        "narrative": "More to do.",
        "version": done.version,
    }
    return {**data, **changes}


def test_the_page_says_the_item_is_completed_and_offers_reopen(client, done, owner):
    client.force_login(owner)
    page = client.get(reverse("initiative-detail", args=[done.pk])).content.decode()
    assert "<legend>Reopen</legend>" in page and "is <strong>completed</strong>" in page
    assert 'name="reopen_reason"' in page


def test_the_page_refuses_a_reopening_without_a_reason_and_keeps_the_input(client, done, owner):
    client.force_login(owner)
    response = client.post(reverse("initiative-update", args=[done.pk]), _form(done))
    assert response.status_code == 400
    page = response.content.decode()
    assert "would reopen it" in page and 'id="id_reopen_reason_error"' in page
    assert "More to do." in page  # what the writer typed is kept
    _unchanged(done)


def test_the_page_reopens_with_a_reason(client, done, owner):
    client.force_login(owner)
    response = client.post(reverse("initiative-update", args=[done.pk]), _form(done, reopen_reason=REASON))
    assert response.status_code == 302
    _reopened(done)
    page = client.get(reverse("initiative-detail", args=[done.pk])).content.decode()
    assert "<legend>Reopen</legend>" not in page and REASON in page  # the history shows the reason


# --- The API ----------------------------------------------------------------------------------------


def test_the_api_refuses_to_reopen_without_reopen_reason(done, owner):
    api = APIClient()
    api.force_authenticate(owner)
    url = f"/api/v1/initiatives/{done.pk}/updates/"
    body = {"status": "on_track", "percent_complete": 80, "version": done.version}
    answer = api.post(url, body, format="json")
    assert answer.status_code == 400 and "would reopen it" in answer.json()["reopen_reason"][0]
    _unchanged(done)
    assert api.post(url, {**body, "reopen_reason": REASON}, format="json").status_code == 201
    _reopened(done)


# --- The admin ----------------------------------------------------------------------------------------


def test_the_admin_refuses_to_reopen_without_a_reason_on_the_field(client, done):
    cio = UserFactory(username="cio", is_superuser=True, is_staff=True)
    client.force_login(cio)
    add = reverse("admin:initiatives_statusupdate_add")
    data = {
        "initiative": done.pk,
        "as_of": f"{TODAY:%Y-%m-%d}",
        "status": "on_track",
        "percent_complete": 80,
        "narrative": "",
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert "would reopen it" in str(response.context["adminform"].form.errors["reopen_reason"])
    _unchanged(done)
    response = client.post(add, {**data, "reopen_reason": REASON})
    assert response.status_code == 302
    _reopened(done)


# --- The import ---------------------------------------------------------------------------------------


HEADER = ["plan", "initiative", "as_of", "status", "percent_complete", "narrative"]


def _import(owner, rows, header=HEADER):
    upload = csv_upload([header, *rows])
    return import_file(kind="updates", upload=upload, filename=upload.name, user=owner)


def test_the_import_refuses_a_reopening_row_naming_the_row_and_the_field(done, owner):
    rows = [["stp", "PHX-7", f"{TODAY:%Y-%m-%d}", "on_track", 80, "Phase two."]]
    with pytest.raises(ImportRefused) as caught:
        _import(owner, rows)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "reopen_reason")
    assert "would reopen it" in problem.rule and "Reopen reason" in problem.rule
    _unchanged(done)
    # The column present but empty on that row: refused the same way.
    with pytest.raises(ImportRefused):
        _import(owner, [[*rows[0], ""]], header=[*HEADER, "Reopen reason"])
    _unchanged(done)


def test_the_import_reopens_when_its_reopen_reason_column_says_why(done, owner):
    _import(
        owner,
        [["stp", "PHX-7", f"{TODAY:%Y-%m-%d}", "on_track", 80, "Phase two.", REASON]],
        header=[*HEADER, "Reopen reason"],
    )
    _reopened(done)


def test_the_import_sees_a_completion_earlier_in_the_same_file(owner):
    plan = PlanFactory(slug="stp")
    InitiativeFactory(
        plan=plan,
        code="PHX-8",
        owner=owner,
        start_date=TODAY - datetime.timedelta(days=400),
        target_date=TODAY + datetime.timedelta(days=100),
    )
    rows = [
        ["stp", "PHX-8", f"{TODAY - datetime.timedelta(days=3):%Y-%m-%d}", "completed", 100, "Done."],
        ["stp", "PHX-8", f"{TODAY:%Y-%m-%d}", "at_risk", 90, "Not quite."],
    ]
    with pytest.raises(ImportRefused) as caught:
        _import(owner, rows)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "reopen_reason")]
    assert not StatusUpdate.objects.filter(initiative__code="PHX-8").exists()


def test_a_reason_too_long_for_the_history_is_refused_naming_reopen_reason(done, owner):
    with pytest.raises(ValidationError) as caught:
        post(done, owner, reopen_reason="x" * 91)
    assert "at most 90 characters" in caught.value.message_dict["reopen_reason"][0]
    _unchanged(done)
    post(done, owner, reopen_reason="x" * 90)  # "Reopened: " and 90 fill the history's 100
    done.refresh_from_db()
    assert done.history.order_by("-history_id").first().history_change_reason == "Reopened: " + "x" * 90
