"""Limits that round-trip: the longest text allowed exports to CSV and .xlsx and imports back
unchanged; one character more, or a date outside the plan's years, is refused naming the cell."""

import datetime
import io

import pytest

from initiatives.models import StatusUpdate
from initiatives.services import initiative_post_update
from planboard.core.limits import LONG_TEXT_MAX
from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.transfer.helpers import UPDATE_HEADER, counts, csv_upload, snapshot


def _longest_narrative() -> str:
    """Exactly LONG_TEXT_MAX characters with what breaks naive files: commas, quotes, new lines,
    a leading = (a formula to a spreadsheet), and letters outside ASCII."""
    start = '=Phase 2, "cut-over" done;\nnext: Año fiscal…\n'
    return start + "x" * (LONG_TEXT_MAX - len(start))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_longest_narrative_exports_and_imports_back_changing_nothing(initiatives, owner, cio, plan, fmt):
    narrative = _longest_narrative()
    assert len(narrative) == LONG_TEXT_MAX
    first = initiatives[0]
    initiative_post_update(
        initiative=first,
        author=owner,
        status="on_track",
        percent_complete=30,
        narrative=narrative,
        version=first.version,
        as_of=datetime.date(2025, 3, 31),
    )
    out = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx("updates", kind_sheets("updates", plan), out)
    else:
        out.write("".join(csv_lines("updates", kind_sheets("updates", plan))).encode("utf-8"))
    out.seek(0)
    before = snapshot()

    result = import_file(kind="updates", upload=out, filename=f"updates.{fmt}", user=cio)

    assert (result.outcome.created, result.outcome.unchanged) == (0, 1)
    assert snapshot() == before and counts(snapshot()) == counts(before)
    assert StatusUpdate.objects.get().narrative == narrative


def test_a_narrative_one_character_too_long_is_refused_naming_the_column(initiatives, owner):
    upload = csv_upload([UPDATE_HEADER, ["stp", "PD-1", "2025-03-31", "on_track", 30, "x" * (LONG_TEXT_MAX + 1)]])

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="updates", upload=upload, filename=upload.name, user=owner)

    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "narrative")
    assert "At most 10000 characters; this text has 10001. Shorten it." in problem.rule
    assert StatusUpdate.objects.count() == 0


def test_an_update_dated_outside_the_plans_years_is_refused_naming_row_column_and_value(initiatives, owner):
    # The plan runs FY2022-FY2026 with a July start: FY2022 begins 2021-07-01, so the earliest
    # accepted update is a year before, 2020-07-01; 2020-06-30 and 1900-01-01 are refused.
    rows = [["stp", "PD-1", "2020-07-01", "on_track", 10, ""], ["stp", "PD-2", "2020-06-30", "on_track", 10, ""]]
    rows.append(["stp", "PD-3", "01/01/00", "on_track", 10, ""])  # 2000-01-01 by the pivot: too early too
    upload = csv_upload([UPDATE_HEADER, *rows])

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="updates", upload=upload, filename=upload.name, user=owner)

    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [
        (3, "as_of", "2020-06-30"),
        (4, "as_of", "01/01/00"),
    ]
    assert "the earliest accepted is 2020-07-01" in caught.value.problems[0].rule
    assert StatusUpdate.objects.count() == 0
