"""Opening an uploaded file safely and streaming its rows, sheet by sheet.

Everything that could exhaust memory or time is refused before the content is parsed: the
upload's size, a file type Planboard does not read, and for an .xlsx (a zip archive) the sizes
its members declare once uncompressed and their compression ratio. Python's zipfile never
inflates a member beyond its declared size (it stops there and the CRC check fails), so checking
the declared sizes bounds what openpyxl can be made to read. openpyxl then streams the sheets
(`read_only=True`), and the row limit stops a file with too many rows.
"""

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings

from planboard.transfer.layouts import SHEET_COLUMN, Layout
from planboard.transfer.problems import FileRefused, Problem

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# Members smaller than this cannot hurt whatever their ratio (a sheet of blank cells compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 2000
# Spreadsheet programs leave formatted but empty rows at the end; this many in a row ends a sheet.
MAX_BLANK_RUN = 1000


@dataclass
class Row:
    """One data row: the sheet it is on, its row number as the spreadsheet shows it, and its cells.

    `marks` says how an .xlsx cell was stored when its value alone does not tell: PERCENT (a number
    formatted as a percent: 0.047 shown as 4.7%), NO_RESULT (a formula whose result was never
    saved), ERROR (a formula whose saved result is an error such as #DIV/0!). `decimal_comma` is
    the import's declared number format for text cells: 4,8 means 4.8 only when it is set.
    """

    sheet: str
    number: int
    values: dict[str, Any]
    marks: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = False


PERCENT, NO_RESULT, ERROR = "percent", "no result", "error"


def _size(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return size


def check_upload(upload: IO[bytes], filename: str) -> str:
    """The file's format ("xlsx" or "csv"), or FileRefused saying why it cannot be read."""
    limit = settings.TRANSFER_MAX_UPLOAD_BYTES
    size = _size(upload)
    if size > limit:
        raise FileRefused(
            f"The file is {size / 1_048_576:.1f} MB; the largest file accepted is {limit / 1_048_576:.1f} MB. "
            "Split it into smaller files."
        )
    if size == 0:
        raise FileRefused("The file is empty.")
    head = upload.read(8)
    upload.seek(0)
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(ZIP_SIGNATURE):
            raise FileRefused("The file is named .xlsx but is not an Excel workbook; it may be damaged.")
        check_zip(upload)
        return "xlsx"
    if suffix == ".csv":
        if head.startswith(ZIP_SIGNATURE) or head.startswith(OLE_SIGNATURE):
            raise FileRefused("The file is named .csv but is an Excel workbook; save it as .xlsx or as CSV (UTF-8).")
        return "csv"
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise FileRefused(f"Planboard cannot read {suffix} files; save the file as .xlsx or as CSV (UTF-8).")
    raise FileRefused(
        f"“{PurePath(filename).name}” is not a spreadsheet Planboard reads; upload an .xlsx or a .csv file."
    )


def check_zip(upload: IO[bytes]) -> None:
    """Refuse an .xlsx whose members would inflate beyond the limits, before anything is inflated."""
    try:
        members = zipfile.ZipFile(upload).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("The .xlsx file is damaged and cannot be opened; save it again from Excel.") from None
    finally:
        upload.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileRefused(f"The .xlsx file holds {len(members)} parts; a workbook has far fewer. It was not opened.")
    total = sum(member.file_size for member in members)
    if total > settings.TRANSFER_MAX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            f"The .xlsx file would expand to {total / 1_048_576:.0f} MB; the limit is "
            f"{settings.TRANSFER_MAX_UNCOMPRESSED_BYTES / 1_048_576:.0f} MB. It was not opened."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > settings.TRANSFER_MAX_COMPRESSION_RATIO:
            raise FileRefused(
                f"The .xlsx file's part {member.filename} is compressed {ratio:.0f} to 1, beyond the "
                f"{settings.TRANSFER_MAX_COMPRESSION_RATIO} to 1 a real workbook needs; it was not opened."
            )


# A CSV's byte order mark, as a spreadsheet program that read the file as Latin-1 keeps it in the first cell.
BYTE_ORDER_MARKS = ("\ufeff", "ï»¿")


def header_names(cells) -> list[str]:
    """Header cells as column names: trimmed, lower case, spaces as underscores."""
    names = [str(cell or "").strip().lower().replace(" ", "_") for cell in cells]
    if names:
        for mark in BYTE_ORDER_MARKS:
            names[0] = names[0].removeprefix(mark)
    return names


def _records(
    header: list[str], rows: Iterator[tuple[int, tuple, dict[int, str]]], sheet: str, decimal_comma: bool
) -> Iterator[Row]:
    blank_run = 0
    for number, cells, marks in rows:
        if not marks and all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        named = {header[index]: mark for index, mark in marks.items() if index < len(header) and header[index]}
        yield Row(sheet, number, values, named, decimal_comma)


def read_rows(
    upload: IO[bytes],
    filename: str,
    layouts: tuple[Layout, ...],
    problems: list[Problem],
    *,
    decimal_comma: bool = False,
) -> Iterator[Row]:
    """Every data row of the file, for the given layouts, checked against the row limit.

    Header problems (a missing required column, an unknown column, a missing sheet, a file in the
    wrong layout) are added to `problems`. Raises FileRefused when the file cannot be read at all.
    `decimal_comma` declares that numbers typed as text use a decimal comma (4,8 is 4.8).
    """
    kind = check_upload(upload, filename)
    if kind == "xlsx":
        rows = _xlsx_rows(upload, layouts, problems, decimal_comma)
    else:
        rows = _csv_rows(upload, layouts, problems, decimal_comma)
    limit = settings.TRANSFER_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise FileRefused(f"The file has more than {limit:,} rows; split it into files of at most {limit:,} rows.")
        yield row


def check_header(header: list[str], layout: Layout, problems: list[Problem], *, extra: tuple[str, ...] = ()) -> None:
    """Report missing required columns and columns the layout does not know."""
    known = set(layout.names) | set(extra)
    for name in layout.required:
        if name not in header:
            problems.append(Problem(layout.sheet, 1, name, "", f"The required column “{name}” is missing."))
    for name in header:
        if name and name not in known:
            problems.append(
                Problem(layout.sheet, 1, name, name, f"Unknown column; the columns are {', '.join(layout.names)}.")
            )


def _xlsx_rows(
    upload: IO[bytes], layouts: tuple[Layout, ...], problems: list[Problem], decimal_comma: bool
) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (KeyError, ParseError, BadZipFile) for a damaged file
        raise FileRefused("The .xlsx file is damaged and cannot be opened; save it again from Excel.") from None
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        # Without a sheet of the layout's name, the first sheet that is not the instructions: a
        # one-sheet import reads it, a plan import looks whether it is the one-file CSV layout.
        first = next((n for n in workbook.sheetnames if n.lower() != "instructions"), None)
        for layout in layouts:
            name = names.get(layout.sheet.lower())
            if name is None and layout is layouts[0] and first is not None:
                sheet = workbook[first]
                rows = _xlsx_cells(sheet, _formulas_without_result(upload, sheet))
                header = header_names(next(rows, ((), {}))[0])
                if len(layouts) > 1 and SHEET_COLUMN in header:
                    problems.append(Problem(first, 1, SHEET_COLUMN, SHEET_COLUMN, PLAN_CSV_AS_XLSX))
                    return
                name = first if len(layouts) == 1 else None
            if name is None:
                if layout.required and layout is layouts[0]:
                    rule = f"The workbook has no sheet named “{layout.sheet}”."
                    problems.append(Problem(layout.sheet, 0, "", "", rule))
                continue
            sheet = workbook[name]
            rows = _xlsx_cells(sheet, _formulas_without_result(upload, sheet))
            header = header_names(next(rows, ((), {}))[0])
            check_header(header, layout, problems)
            numbered = ((number, cells, marks) for number, (cells, marks) in enumerate(rows, start=2))
            yield from _records(header, numbered, layout.sheet, decimal_comma)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            "The .xlsx file is damaged and cannot be read to the end; save it again from Excel."
        ) from None
    finally:
        workbook.close()


PLAN_CSV_AS_XLSX = (
    "This workbook holds a plan in the one-file CSV layout (a “sheet” column names each row's part), "
    "saved as .xlsx. Upload it as a .csv file (save as “CSV UTF-8”), or export the plan as .xlsx to "
    "get the workbook layout with one sheet per part."
)
INSTRUCTIONS_AS_CSV = (
    "This is the Instructions sheet of a Planboard workbook saved as CSV: a spreadsheet program saves "
    "only one sheet (the first) as CSV. {fix}"
)
INSTRUCTIONS_FIX_ONE = (
    "Open the workbook, select the “{sheet}” sheet and save that sheet as CSV, or upload the .xlsx itself."
)
INSTRUCTIONS_FIX_PLAN = (
    "A plan's sheets do not fit one CSV that way: upload the .xlsx itself, or export the plan as CSV."
)
INSTRUCTIONS_TITLE = "planboard_import_template"
WRONG_LAYOUT = (PLAN_CSV_AS_XLSX, INSTRUCTIONS_AS_CSV.split("{")[0])
ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


def _xlsx_cells(sheet, no_result: set[tuple[int, int]]) -> Iterator[tuple[tuple, dict[int, str]]]:
    """Each row's values, and the marks of cells whose value alone misleads (see `Row.marks`)."""
    for cells in sheet.iter_rows():
        values, marks = [], {}
        for index, cell in enumerate(cells):
            value = cell.value
            values.append(value)
            if value is None:
                if no_result and (getattr(cell, "row", None), getattr(cell, "column", None)) in no_result:
                    marks[index] = NO_RESULT
            elif cell.data_type == "e" or (isinstance(value, str) and value in ERROR_VALUES):
                marks[index] = ERROR
            elif isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
                marks[index] = PERCENT
        yield tuple(values), marks


def _formulas_without_result(upload: IO[bytes], sheet) -> set[tuple[int, int]]:
    """(row, column) of every formula cell that has no saved result (a file written by a program,
    never opened and saved in a spreadsheet program). openpyxl reads such a cell as empty, so the
    sheet's XML is looked at directly, and only when it holds a formula at all."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_to_tuple

    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return set()
    found: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(upload) as archive:
            with archive.open(path) as member:
                if not _mentions_formula(member):
                    return found
            with archive.open(path) as member:
                for _event, element in iterparse(member):
                    if element.tag.endswith("}c"):
                        formula = element.find(f"{element.tag[:-1]}f")
                        result = element.find(f"{element.tag[:-1]}v")
                        if formula is not None and (result is None or not result.text) and element.get("r"):
                            found.add(coordinate_to_tuple(element.get("r")))
                        element.clear()
    finally:
        upload.seek(0)
    return found


def _mentions_formula(member: IO[bytes]) -> bool:
    tail = b""
    while chunk := member.read(1 << 20):
        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
            return True
        tail = chunk[-3:]
    return False


def _csv_rows(
    upload: IO[bytes], layouts: tuple[Layout, ...], problems: list[Problem], decimal_comma: bool
) -> Iterator[Row]:
    text = codecs.getreader("utf-8-sig")(upload, errors="strict")
    reader = csv.reader(text)
    try:
        first = next(reader, [])
        header = header_names(first)
        if header and header[0].startswith(INSTRUCTIONS_TITLE):
            fix = INSTRUCTIONS_FIX_ONE.format(sheet=layouts[0].sheet) if len(layouts) == 1 else INSTRUCTIONS_FIX_PLAN
            problems.append(Problem("Instructions", 1, "A", first[0], INSTRUCTIONS_AS_CSV.format(fix=fix)))
            return
        if len(layouts) == 1:
            check_header(header, layouts[0], problems)
            numbered = ((reader.line_num, tuple(row), {}) for row in reader)
            yield from _records(header, numbered, layouts[0].sheet, decimal_comma)
            return
        yield from _sheeted_csv_rows(header, reader, layouts, problems, decimal_comma)
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text; in Excel choose “CSV UTF-8 (Comma delimited)”.") from None
    except csv.Error as error:
        raise FileRefused(f"The CSV file cannot be read near line {reader.line_num}: {error}.") from None


def _sheeted_csv_rows(
    header, reader, layouts: tuple[Layout, ...], problems: list[Problem], decimal_comma: bool
) -> Iterator[Row]:
    """A plan in one CSV: the `sheet` column says which workbook sheet each row belongs to."""
    by_sheet = {layout.sheet.lower(): layout for layout in layouts}
    if SHEET_COLUMN not in header:
        problems.append(
            Problem(
                "",
                1,
                SHEET_COLUMN,
                "",
                "The required column “sheet” is missing; it names the "
                f"part of the plan each row is: {', '.join(layout.sheet for layout in layouts)}.",
            )
        )
        return
    known = {name for layout in layouts for name in layout.names} | {SHEET_COLUMN}
    for name in header:
        if name and name not in known:
            problems.append(Problem("", 1, name, name, "Unknown column; see the plan template for the columns."))
    for layout in layouts:
        for name in layout.required:
            if name not in header:
                problems.append(Problem(layout.sheet, 1, name, "", f"The required column “{name}” is missing."))
    for row in _records(header, ((reader.line_num, tuple(r), {}) for r in reader), "", decimal_comma):
        sheet = str(row.values.pop(SHEET_COLUMN, "") or "").strip()
        layout = by_sheet.get(sheet.lower())
        if layout is None:
            problems.append(
                Problem(
                    "",
                    row.number,
                    SHEET_COLUMN,
                    sheet,
                    f"Name one of the plan's parts: {', '.join(layout.sheet for layout in layouts)}.",
                )
            )
            continue
        allowed = set(layout.names)
        yield Row(layout.sheet, row.number, {k: v for k, v in row.values.items() if k in allowed}, {}, decimal_comma)


def as_text(value: Any) -> str:
    """A cell as text, for reporting: dates as ISO dates, whole floats without '.0'."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
