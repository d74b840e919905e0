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
from dataclasses import dataclass
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
    """One data row: the sheet it is on, its row number as the spreadsheet shows it, and its cells."""

    sheet: str
    number: int
    values: dict[str, Any]


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


def header_names(cells) -> list[str]:
    """Header cells as column names: trimmed, lower case, spaces as underscores."""
    return [str(cell or "").strip().lower().replace(" ", "_") for cell in cells]


def _records(header: list[str], rows: Iterator[tuple[int, tuple]], sheet: str) -> Iterator[Row]:
    blank_run = 0
    for number, cells in rows:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        values = {name: cell for name, cell in zip(header, cells, strict=False) if name}
        yield Row(sheet, number, values)


def read_rows(upload: IO[bytes], filename: str, layouts: tuple[Layout, ...], problems: list[Problem]) -> Iterator[Row]:
    """Every data row of the file, for the given layouts, checked against the row limit.

    Header problems (a missing required column, an unknown column, a missing sheet) are added to
    `problems`. Raises FileRefused when the file cannot be read at all.
    """
    kind = check_upload(upload, filename)
    rows = _xlsx_rows(upload, layouts, problems) if kind == "xlsx" else _csv_rows(upload, layouts, problems)
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


def _xlsx_rows(upload: IO[bytes], layouts: tuple[Layout, ...], problems: list[Problem]) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (KeyError, ParseError, BadZipFile) for a damaged file
        raise FileRefused("The .xlsx file is damaged and cannot be opened; save it again from Excel.") from None
    try:
        names = {name.strip().lower(): name for name in workbook.sheetnames}
        single = len(layouts) == 1
        for layout in layouts:
            name = names.get(layout.sheet.lower())
            if name is None and single:
                # A one-sheet import reads the first sheet that is not the instructions.
                name = next((n for n in workbook.sheetnames if n.lower() != "instructions"), None)
            if name is None:
                if layout.required and layout is layouts[0]:
                    rule = f"The workbook has no sheet named “{layout.sheet}”."
                    problems.append(Problem(layout.sheet, 0, "", "", rule))
                continue
            rows = workbook[name].iter_rows(values_only=True)
            header = header_names(next(rows, ()))
            check_header(header, layout, problems)
            yield from _records(header, enumerate(rows, start=2), layout.sheet)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            "The .xlsx file is damaged and cannot be read to the end; save it again from Excel."
        ) from None
    finally:
        workbook.close()


def _csv_rows(upload: IO[bytes], layouts: tuple[Layout, ...], problems: list[Problem]) -> Iterator[Row]:
    text = codecs.getreader("utf-8-sig")(upload, errors="strict")
    reader = csv.reader(text)
    try:
        header = header_names(next(reader, []))
        if len(layouts) == 1:
            check_header(header, layouts[0], problems)
            numbered = ((reader.line_num, tuple(row)) for row in reader)
            yield from _records(header, numbered, layouts[0].sheet)
            return
        yield from _sheeted_csv_rows(header, reader, layouts, problems)
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text; in Excel choose “CSV UTF-8 (Comma delimited)”.") from None
    except csv.Error as error:
        raise FileRefused(f"The CSV file cannot be read near line {reader.line_num}: {error}.") from None


def _sheeted_csv_rows(header, reader, layouts: tuple[Layout, ...], problems: list[Problem]) -> Iterator[Row]:
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
    for row in _records(header, ((reader.line_num, tuple(r)) for r in reader), ""):
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
        yield Row(layout.sheet, row.number, {k: v for k, v in row.values.items() if k in allowed})


def as_text(value: Any) -> str:
    """A cell as text, for reporting: dates as ISO dates, whole floats without '.0'."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
