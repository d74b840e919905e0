"""What is wrong with an import: one `Problem` per bad cell or row, and the refusal that carries them."""

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file: where (sheet, row, column), what was there, and the rule it breaks.

    `row` is the spreadsheet's own row number (the header is row 1), so a person can go straight to
    it; 0 means the file as a whole.
    """

    sheet: str
    row: int
    column: str
    value: str
    rule: str

    def as_list(self) -> list[str]:
        return [self.sheet, str(self.row) if self.row else "", self.column, self.value, self.rule]


PROBLEM_HEADER = ["sheet", "row", "column", "value", "problem"]


class FileRefused(Exception):
    """The file cannot be read at all (too big, wrong type, damaged, a zip bomb). Nothing was stored."""


class ImportRefused(Exception):
    """The file was read but some rows are bad; nothing was stored. `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.sheet, p.row, p.column))
        count = len(self.problems)
        super().__init__(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} found.")


def shown(value) -> str:
    """A cell's value as the person typed it, shortened so one huge cell cannot flood the report."""
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def problems_csv(problems: list[Problem]) -> str:
    """The problems as a CSV file a person can open beside their spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROBLEM_HEADER)
    writer.writerows(problem.as_list() for problem in problems)
    return out.getvalue()


@dataclass
class Outcome:
    """What an import did: rows added, rows changed, and rows that were already up to date."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self.created} added, {self.changed} changed, {self.unchanged} already up to date."
