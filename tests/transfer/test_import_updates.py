"""Importing a batch of status updates: all or nothing, every bad row listed, per-row permission."""

import datetime
import io

import pytest
from django.utils import timezone

from goals.models import Plan
from initiatives.models import Initiative, StatusUpdate
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.factories import InitiativeFactory, StatusUpdateFactory, UserFactory
from tests.transfer.helpers import UPDATE_HEADER, csv_upload, xlsx_upload


def rows_for(codes, as_of="2024-01-15", status="on_track", percent=40):
    return [["stp", code, as_of, status, percent, f"Progress on {code}."] for code in codes]


def refused(upload, user, kind="updates") -> list:
    with pytest.raises(ImportRefused) as caught:
        import_file(kind=kind, upload=upload, filename=upload.name, user=user)
    return caught.value.problems


def test_a_good_file_posts_every_update_through_the_service(initiatives, owner):
    upload = csv_upload([UPDATE_HEADER, *rows_for(["PD-1", "PD-2", "PD-3"])])

    result = import_file(kind="updates", upload=upload, filename=upload.name, user=owner)

    assert result.outcome.created == 3
    assert StatusUpdate.objects.filter(author=owner, percent_complete=40).count() == 3
    first = Initiative.objects.get(code="PD-1")
    # The service moved the initiative's current status and recorded who did it and why.
    assert (first.status, first.percent_complete, first.last_update_on) == ("on_track", 40, datetime.date(2024, 1, 15))
    latest = first.history.latest()
    assert latest.history_user == owner and latest.history_change_reason == "Status updates imported from a file"
    assert Plan.objects.get(slug="stp").needs_recalculation is True


def test_one_bad_row_among_many_writes_nothing_and_names_that_row(initiatives, owner):
    rows = rows_for(["PD-1", "PD-2", "PD-3", "PD-4", "PD-5"])
    rows[3][4] = 140  # the fourth data row is spreadsheet row 5 (the header is row 1)
    upload = xlsx_upload({"Status updates": [UPDATE_HEADER, *rows]})
    versions = dict(Initiative.objects.values_list("code", "version"))

    problems = refused(upload, owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(5, "percent_complete", "140")]
    assert "between 0 and 100" in problems[0].rule
    assert StatusUpdate.objects.count() == 0
    assert dict(Initiative.objects.values_list("code", "version")) == versions


def test_a_bad_row_found_only_while_saving_still_rolls_back_the_rows_before_it(initiatives, owner, monkeypatch):
    from django.core.exceptions import ValidationError

    from planboard.transfer import updates

    calls = []
    real = updates.initiative_post_updates

    def refuse_in_second_chunk(**kwargs):
        calls.append(len(kwargs["updates"]))
        if len(calls) == 2:
            raise ValidationError({"1": ["Refused by the service."]})
        return real(**kwargs)

    monkeypatch.setattr(updates, "CHUNK", 2)
    monkeypatch.setattr(updates, "initiative_post_updates", refuse_in_second_chunk)
    upload = csv_upload([UPDATE_HEADER, *rows_for(["PD-1", "PD-2", "PD-3", "PD-4"])])

    problems = refused(upload, owner)

    # chunks of two: the second chunk's second row is the fourth data row, spreadsheet row 5
    assert [(p.row, p.rule) for p in problems] == [(5, "Refused by the service.")]
    assert calls == [2, 2]
    assert StatusUpdate.objects.count() == 0  # the first chunk, posted before it, was rolled back


@pytest.mark.parametrize(
    "column, value, rule",
    [
        ("initiative", "", "“initiative” is required."),
        ("as_of", "", "“as_of” is required."),
        ("initiative", "PD-99", "Unknown initiative: plan “stp” has no initiative coded “PD-99”"),
        ("percent_complete", "-1", "Must be between 0 and 100."),
        ("percent_complete", "101", "Must be between 0 and 100."),
        ("percent_complete", "4.5", "Must be a whole number."),
        ("percent_complete", "half", "Not a number"),
        ("as_of", "31/12/2023", "Not a date; write it as 2024-06-30"),
        ("as_of", "2023-02-30", "Not a date"),
        ("status", "green", "Not one of the allowed values: not_started, on_track"),
        ("as_of", "2999-01-01", "An update cannot be dated in the future."),
    ],
)
def test_every_bad_value_kind_gets_a_clear_message(initiatives, owner, column, value, rule):
    row = rows_for(["PD-1"])[0]
    row[UPDATE_HEADER.index(column)] = value
    upload = csv_upload([UPDATE_HEADER, rows_for(["PD-2"])[0], row])

    problems = refused(upload, owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(3, column, value)]
    assert rule in problems[0].rule
    assert StatusUpdate.objects.count() == 0


def test_an_unknown_plan_is_reported_against_the_initiative_it_was_to_find(initiatives, owner):
    row = rows_for(["PD-1"])[0]
    row[0] = "no-such-plan"

    problems = refused(csv_upload([UPDATE_HEADER, row]), owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "initiative", "PD-1")]
    assert "plan “no-such-plan” has no initiative coded “PD-1” that you can see" in problems[0].rule


def test_status_and_percent_must_agree_as_in_the_browser(initiatives, owner):
    upload = csv_upload([UPDATE_HEADER, rows_for(["PD-1"], status="completed", percent=90)[0]])

    problems = refused(upload, owner)

    assert [(p.column, p.rule) for p in problems] == [("percent_complete", "A completed initiative is 100% complete.")]


def test_a_duplicate_row_is_refused_naming_the_first(initiatives, owner):
    upload = csv_upload([UPDATE_HEADER, *rows_for(["PD-1", "PD-2", "PD-1"])])

    problems = refused(upload, owner)

    assert [(p.row, p.column) for p in problems] == [(4, "as_of")]
    assert "Duplicate row: row 2 already has this update for PD-1 as of 2024-01-15" in problems[0].rule


def test_two_updates_recorded_on_one_day_export_and_import_back_unchanged(initiatives, owner):
    from planboard.transfer.exports import csv_lines, updates_sheet

    StatusUpdateFactory(initiative=initiatives[0], as_of=datetime.date(2024, 1, 15), percent_complete=30)
    StatusUpdateFactory(initiative=initiatives[0], as_of=datetime.date(2024, 1, 15), percent_complete=35)
    StatusUpdateFactory(initiative=initiatives[0], as_of=datetime.date(2024, 1, 15), percent_complete=35)
    exported = "".join(csv_lines("updates", [updates_sheet(initiatives[0].plan)])).encode("utf-8")

    result = import_file(kind="updates", upload=io.BytesIO(exported), filename="u.csv", user=owner)

    # The two identical 35% updates are matched to the two recorded ones, the 30% one to its own.
    assert (result.outcome.created, result.outcome.unchanged) == (0, 3)
    assert StatusUpdate.objects.count() == 3


def test_every_bad_row_is_listed_not_only_the_first(initiatives, owner):
    rows = rows_for(["PD-1", "PD-2", "PD-3"])
    rows[0][2] = "yesterday"
    rows[2][3] = "blue"
    upload = csv_upload([UPDATE_HEADER, *rows])

    problems = refused(upload, owner)

    assert [(p.row, p.column) for p in problems] == [(2, "as_of"), (4, "status")]


def test_a_row_for_an_initiative_the_user_may_not_edit_is_refused(initiatives, owner):
    stranger = InitiativeFactory(plan=initiatives[0].plan, code="OPS-1", owner=UserFactory(username="someone-else"))
    upload = csv_upload([UPDATE_HEADER, *rows_for(["PD-1", stranger.code])])

    problems = refused(upload, owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(3, "initiative", "OPS-1")]
    assert "You may not post updates for initiative OPS-1" in problems[0].rule
    assert StatusUpdate.objects.count() == 0


def test_a_file_imported_twice_posts_each_update_once(initiatives, owner):
    rows = [UPDATE_HEADER, *rows_for(["PD-1", "PD-2"])]
    import_file(kind="updates", upload=csv_upload(rows), filename="u.csv", user=owner)
    versions = dict(Initiative.objects.values_list("code", "version"))

    again = import_file(kind="updates", upload=csv_upload(rows), filename="u.csv", user=owner)

    assert (again.outcome.created, again.outcome.unchanged) == (0, 2)
    assert StatusUpdate.objects.count() == 2
    assert dict(Initiative.objects.values_list("code", "version")) == versions


def test_a_new_update_on_a_date_already_reported_is_appended(initiatives, owner):
    StatusUpdateFactory(initiative=initiatives[0], as_of=datetime.date(2024, 1, 15), percent_complete=30)

    result = import_file(
        kind="updates", upload=csv_upload([UPDATE_HEADER, *rows_for(["PD-1"])]), filename="u.csv", user=owner
    )

    assert result.outcome.created == 1
    assert StatusUpdate.objects.filter(initiative=initiatives[0]).count() == 2


def test_labels_and_percent_signs_are_read_as_people_type_them(initiatives, owner):
    today = timezone.localdate()
    row = ["stp", "PD-1", f"{today.month}/{today.day}/{today.year}", "At risk", "35%", "Vendor late"]

    import_file(kind="updates", upload=csv_upload([UPDATE_HEADER, row]), filename="u.csv", user=owner)

    update = StatusUpdate.objects.get()
    assert (update.as_of, update.status, update.percent_complete) == (today, "at_risk", 35)
