"""Files a person opened and saved in a real office suite (LibreOffice), imported as they typed them.

Each source file is made with openpyxl, then passed through `soffice --headless` (two runs for the
whole module, about 5 s: one saving every file as CSV, one as .xlsx), so the cells are exactly
what LibreOffice writes: percent cells hold fractions, CSV dates come out as 03/15/26, the first
sheet alone is saved as CSV. Every refusal names the row, the column, the value and the fix, and
stores nothing.
"""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from goals.models import MetricReading
from initiatives.models import Initiative, StatusUpdate
from planboard.transfer import layouts
from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from tests.factories import MetricFactory
from tests.transfer.helpers import READING_HEADER, UPDATE_HEADER, counts, snapshot
from tests.transfer.libreoffice import convert

pytestmark = pytest.mark.libreoffice


def _workbook(sheet: str, rows: list[list], formats: dict[str, str] | None = None) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cell, number_format in (formats or {}).items():
        ws[cell].number_format = number_format
    return workbook


def _sources(folder) -> dict[str, object]:
    """The files a person would have typed, before LibreOffice saves them."""
    day = datetime.date(2026, 3, 15)
    files = {
        # 60% typed in a percent-formatted cell (it holds 0.6); the date formatted as 03/15/26.
        "percent.xlsx": _workbook(
            "Status updates",
            [UPDATE_HEADER, ["stp", "PD-1", day, "on_track", 0.6, "Vendor selected."]],
            {"E2": "0%", "C2": "MM/DD/YY"},
        ),
        # 4.7% for a metric measured in %, and a plain 88.5 below it.
        "share.xlsx": _workbook(
            "Metric readings",
            [
                READING_HEADER,
                ["stp", "1.1", "MFA share", day, 0.047, ""],
                ["stp", "1.1", "MFA share", day.replace(month=6, day=30), 88.5, ""],
            ],
            {"E2": "0.0%"},
        ),
        # A percent for a metric measured in days: which number was meant is not knowable.
        "days.xlsx": _workbook(
            "Metric readings", [READING_HEADER, ["stp", "1.1", "Days to patch", day, 0.5, ""]], {"E2": "0%"}
        ),
        # A decimal comma typed as text.
        "comma.xlsx": _workbook("Metric readings", [READING_HEADER, ["stp", "1.1", "Days to patch", day, "4,8", ""]]),
        # A formula written by a program: no saved result until a spreadsheet program calculates it.
        "formula.xlsx": _workbook(
            "Status updates", [UPDATE_HEADER, ["stp", "PD-2", "2026-03-15", "on_track", "=10*4", ""]]
        ),
    }
    paths = {}
    for name, workbook in files.items():
        workbook.save(folder / name)
        paths[name] = folder / name
    # An export of status updates: its first sheet is the Instructions.
    with (folder / "exported-updates.xlsx").open("wb") as out:
        write_xlsx("updates", [(layouts.UPDATES, [["stp", "PD-1", day, "on_track", 40, "", None]])], out)
    paths["exported-updates.xlsx"] = folder / "exported-updates.xlsx"
    # A plan in the one-file CSV layout (the blank template), to be saved as .xlsx.
    (folder / "plan-layout.csv").write_text("".join(csv_lines("plan", kind_sheets("plan", None))), encoding="utf-8")
    paths["plan-layout.csv"] = folder / "plan-layout.csv"
    return paths


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """name -> {"csv": path, "xlsx": path, "source": path}: every source saved by LibreOffice both ways."""
    folder = tmp_path_factory.mktemp("office")
    sources = _sources(folder)
    workbooks = [path for name, path in sources.items() if name.endswith(".xlsx")]
    as_csv = convert(workbooks, "csv", folder / "csv")
    as_xlsx = convert([path for name, path in sources.items() if name != "comma.xlsx"], "xlsx", folder / "xlsx")
    return {
        name: {"source": path, "csv": as_csv.get(name), "xlsx": as_xlsx.get(name)} for name, path in sources.items()
    }


def _import(path, user, kind="updates", **options):
    with open(path, "rb") as upload:
        return import_file(kind=kind, upload=upload, filename=path.name, user=user, **options)


def _refused(path, user, kind="updates", **options):
    with pytest.raises(ImportRefused) as caught:
        _import(path, user, kind, **options)
    return caught.value.problems


@pytest.fixture
def metrics(plan, owner):
    share = MetricFactory(objective__goal__plan=plan, objective__code="1.1", name="MFA share", unit="%", owner=owner)
    days = MetricFactory(
        objective=share.objective,
        name="Days to patch",
        unit="days",
        owner=owner,
        baseline=30,
        target=7,
        direction="down",
    )
    return share, days


@pytest.mark.parametrize("saved_as", ["xlsx", "csv"])
def test_percent_complete_typed_as_60_percent_is_60(office, initiatives, owner, saved_as):
    result = _import(office["percent.xlsx"][saved_as], owner)

    assert result.outcome.created == 1
    update = StatusUpdate.objects.get(initiative__code="PD-1")
    # The CSV holds "60%" and the date as LibreOffice shows it, 03/15/26 (two-digit year, 26 -> 2026).
    assert (update.percent_complete, update.as_of) == (60, datetime.date(2026, 3, 15))


@pytest.mark.parametrize("saved_as", ["xlsx", "csv"])
def test_a_percent_reading_of_a_percent_metric_is_read_in_percent(office, metrics, owner, saved_as):
    result = _import(office["share.xlsx"][saved_as], owner, kind="readings")

    assert result.outcome.created == 2
    # 4.7% (a cell holding 0.047) is 4.7 in the metric's unit, %; 88.5 stays 88.5.
    assert sorted(MetricReading.objects.values_list("value", flat=True)) == [Decimal("4.7"), Decimal("88.5")]


@pytest.mark.parametrize("saved_as", ["xlsx", "csv"])
def test_a_percent_for_a_metric_in_days_is_refused_naming_row_column_value_and_fix(office, metrics, owner, saved_as):
    problems = _refused(office["days.xlsx"][saved_as], owner, kind="readings")

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "value", "0.5" if saved_as == "xlsx" else "50%")]
    assert "measured in days" in problems[0].rule and "without %" in problems[0].rule
    assert MetricReading.objects.count() == 0


def test_a_decimal_comma_is_refused_under_a_decimal_point_and_read_under_a_decimal_comma(office, metrics, owner):
    csv_file = office["comma.xlsx"]["csv"]
    assert '"4,8"' in csv_file.read_text()

    problems = _refused(csv_file, owner, kind="readings", decimal_comma=False)
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "value", "4,8")]
    assert "decimal comma number format" in problems[0].rule
    assert MetricReading.objects.count() == 0  # never 48

    _import(csv_file, owner, kind="readings", decimal_comma=True)
    assert MetricReading.objects.get().value == Decimal("4.8")


def test_a_formula_without_a_saved_result_says_open_and_save_and_after_saving_imports(office, initiatives, owner):
    problems = _refused(office["formula.xlsx"]["source"], owner)

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "percent_complete", "(formula)")]
    assert "open and save the file in your spreadsheet program" in problems[0].rule
    assert StatusUpdate.objects.count() == 0

    # LibreOffice calculated and saved the result (40): the same file now imports.
    _import(office["formula.xlsx"]["xlsx"], owner)
    assert StatusUpdate.objects.get().percent_complete == 40


def test_the_instructions_sheet_saved_as_csv_is_named_with_the_fix(office, initiatives, owner):
    problems = _refused(office["exported-updates.xlsx"]["csv"], owner)

    assert len(problems) == 1
    problem = problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Instructions", 1, "A")
    assert problem.value.startswith("Planboard import template")
    assert "select the “Status updates” sheet and save that sheet as CSV" in problem.rule
    # The workbook itself, as LibreOffice saved it, imports.
    assert _import(office["exported-updates.xlsx"]["xlsx"], owner).outcome.created == 1


def test_a_plan_csv_saved_as_xlsx_is_named_with_the_fix(office, cio):
    problems = _refused(office["plan-layout.csv"]["xlsx"], cio, kind="plan")

    assert [(p.row, p.column, p.value) for p in problems] == [(1, "sheet", "sheet")]
    assert "one-file CSV layout" in problems[0].rule and "Upload it as a .csv file" in problems[0].rule


def test_an_unchanged_plan_export_saved_by_libreoffice_imports_after_newer_updates_changing_nothing(
    initiatives, owner, cio, plan, tmp_path
):
    from initiatives.services import initiative_post_update

    exported = tmp_path / "plan.xlsx"
    with exported.open("wb") as out:
        write_xlsx("plan", kind_sheets("plan", plan), out)
    saved = convert([exported], "xlsx", tmp_path / "saved")["plan.xlsx"]
    first = Initiative.objects.get(code="PD-1")
    initiative_post_update(
        initiative=first,
        author=owner,
        status="at_risk",
        percent_complete=35,
        version=first.version,
        as_of=datetime.date(2026, 1, 15),
    )
    before = snapshot()

    result = _import(saved, cio, kind="plan")

    assert (result.outcome.created, result.outcome.changed) == (0, 0)
    assert snapshot() == before and counts(snapshot()) == counts(before)
    assert Initiative.objects.get(code="PD-1").percent_complete == 35  # the newer update stands


def test_a_percent_complete_never_held_is_still_refused_in_a_plan_file(initiatives, cio, plan):
    text = "".join(csv_lines("plan", kind_sheets("plan", plan))).lstrip("\ufeff")
    header = text.splitlines()[0].split(",")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("Initiatives,") and ",PD-1," in line:
            cells = line.split(",")
            cells[header.index("percent_complete")] = "77"
            lines[index] = ",".join(cells)
    upload = io.BytesIO("\n".join(lines).encode())

    with pytest.raises(ImportRefused) as caught:
        import_file(kind="plan", upload=upload, filename="plan.csv", user=cio)

    assert [(p.column, p.value) for p in caught.value.problems] == [("percent_complete", "77")]
