"""Building spreadsheet files in memory for the import tests, and a snapshot of the stored plan data."""

import csv
import io
from typing import Any

from django.apps import apps
from openpyxl import Workbook

from planboard.transfer import layouts


def csv_upload(rows: list[list[Any]], name: str = "updates.csv") -> io.BytesIO:
    """A CSV file (UTF-8) with the given rows, the first being the header."""
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    upload = io.BytesIO(text.getvalue().encode("utf-8"))
    upload.name = name
    return upload


def xlsx_upload(sheets: dict[str, list[list[Any]]], name: str = "file.xlsx") -> io.BytesIO:
    """An .xlsx workbook with one sheet per entry, each list of rows starting with its header."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


UPDATE_HEADER = [c.name for c in layouts.UPDATES.columns if not c.export_only]
READING_HEADER = [c.name for c in layouts.READINGS.columns if not c.export_only]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every plan and history table, all values included (versions, timestamps)."""
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in ("goals", "initiatives"):
            tables[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return tables


def counts(tables: dict[str, list[dict]]) -> dict[str, int]:
    return {label: len(rows) for label, rows in tables.items()}


def exported_csv_rows(kind: str, plan) -> list[list[str]]:
    """An export as CSV rows (header first), ready to edit and import again."""
    from planboard.transfer.exports import csv_lines, kind_sheets

    text = "".join(csv_lines(kind, kind_sheets(kind, plan))).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def set_cell(rows: list[list[str]], sheet: str, key_column: str, key: str, column: str, value: str) -> None:
    """In a plan CSV, set `column` of the `sheet` row whose `key_column` is `key`."""
    header = rows[0]
    for row in rows[1:]:
        if row[0] == sheet and row[header.index(key_column)] == key:
            row[header.index(column)] = value
            return
    raise AssertionError(f"no {sheet} row with {key_column}={key}")
