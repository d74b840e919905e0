"""Reading one row's cells into values, and saying clearly what is wrong with each bad one.

A cell from an .xlsx arrives as text, a number, a date or nothing; from a CSV always as text.
`RowCheck` turns either into the value the model expects, or records a Problem naming the sheet,
row, column, the value as typed, and the rule it breaks. Rules that belong to a model (its
validators and `clean()`) are not repeated here: `model_problems` runs them and reports them
against the file's column.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from planboard.transfer.layouts import LIST_SEPARATOR
from planboard.transfer.problems import Problem, shown
from planboard.transfer.read import ERROR, NO_RESULT, PERCENT, Row, as_text

FORMULA_STARTS = "=+-@\t\r"
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
# A two-digit year as office suites write dates in a CSV (03/15/26): 00-29 are 2000-2029, 30-99 are
# 1930-1999, the default of LibreOffice and Excel. The plan's date rules refuse the 1900s anyway.
TWO_DIGIT_YEAR_PIVOT = 30
# Numbers typed as text. With a decimal point a comma only groups thousands (1,250.5); with a
# decimal comma a point or a space groups them (1.250,5 or 1 250,5). Anything else is refused,
# never guessed: 4,8 is neither 48 nor 4.8 until the import says which number format the file uses.
POINT_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][-+]?\d+)?$")
COMMA_NUMBER = re.compile(r"^[-+]?(\d{1,3}([. ]\d{3})+|\d*)(,\d*)?$")
PERCENT_UNITS = {"%", "percent", "per cent", "pct"}


def is_percent_unit(unit: str) -> bool:
    return (unit or "").strip().lower() in PERCENT_UNITS


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


class RowCheck:
    """Reads the cells of one row; every bad cell adds a Problem and reads as None."""

    def __init__(self, row: Row, problems: list[Problem]):
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str, rule: str, value: Any = None) -> None:
        if value is None:
            value = self.row.values.get(column)
        self.problems.append(Problem(self.row.sheet, self.row.number, column, shown(as_text(value)), rule))
        self.ok = False

    def raw(self, column: str, required: bool) -> Any:
        value = self.row.values.get(column)
        mark = self.row.marks.get(column)
        if mark == NO_RESULT:
            self.problem(
                column,
                "The cell holds a formula whose result was never saved (the file was written by a program, "
                "not a spreadsheet program); open and save the file in your spreadsheet program, then import it again.",
                "(formula)",
            )
            return None
        if mark == ERROR:
            self.problem(column, "The cell's formula gives an error; correct it in your spreadsheet program.")
            return None
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if required:
                self.problem(column, f"“{column}” is required.", "")
            return None
        return value

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.raw(column, required)
        if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in FORMULA_STARTS:
            return value[1:]  # the apostrophe an export puts before text that looks like a formula
        return "" if value is None else as_text(value)

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.raw(column, required)
        if value is None or type(value) is datetime.date:
            return value
        if isinstance(value, datetime.datetime):
            return value.date()
        text = str(value)
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
        match = US_DATE.match(text)
        if match:
            month, day, year = map(int, match.groups())
            if len(match.group(3)) == 2:
                year += 2000 if year < TWO_DIGIT_YEAR_PIVOT else 1900
            try:
                return datetime.date(year, month, day)
            except ValueError:
                pass
        self.problem(column, "Not a date; write it as 2024-06-30 (year-month-day) or 6/30/2024.")
        return None

    def written_as_percent(self, column: str) -> bool:
        """Whether the cell was written as a percent: formatted as one in an .xlsx (it holds 0.047
        for 4.7%), or typed with a % sign."""
        value = self.row.values.get(column)
        return self.row.marks.get(column) == PERCENT or (isinstance(value, str) and value.strip().endswith("%"))

    def decimal(self, column: str, *, required: bool = False, percent: str = "refuse") -> Decimal | None:
        """A number. A cell written as a percent (4.7% typed, or 0.047 formatted as 4.7%) is read by
        `percent`: "points" gives 4.7 (the column is in percent), "fraction" gives 0.047 (the
        column is a share), "refuse" says that a percent is not what the column holds."""
        value = self.raw(column, required)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, datetime.date):
            self.problem(column, "Not a number.")
            return None
        as_percent = self.written_as_percent(column)
        if as_percent and percent == "refuse":
            self.problem(
                column,
                "The value is a percent, but this column is not; write the number itself "
                "(format the cell as a number, without %).",
            )
            return None
        if isinstance(value, int | float):
            number = Decimal(repr(value))
            if as_percent:
                number *= 100  # the cell holds the fraction; it shows percent points
        else:
            text = str(value).replace("$", "").strip().removesuffix("%").strip()
            plain = self._plain_number(column, text)
            if plain is None:
                return None
            try:
                number = Decimal(plain)
            except InvalidOperation:
                self.problem(column, "Not a number; write digits only, like 1250.5.")
                return None
        if not number.is_finite():
            self.problem(column, "Not a number; write digits only, like 1250.5.")
            return None
        if as_percent and percent == "fraction":
            number /= 100
        return number

    def _plain_number(self, column: str, text: str) -> str | None:
        """Text typed as a number, in Python's notation, under the import's number format."""
        text = text.replace("\u00a0", " ").replace("\u202f", " ")
        if self.row.decimal_comma:
            if COMMA_NUMBER.match(text) and any(c.isdigit() for c in text):
                return text.replace(".", "").replace(" ", "").replace(",", ".")
            self.problem(
                column,
                "Not a number in the chosen number format (decimal comma): write it like 4,8 or 1.250,5; "
                "a point separates thousands only.",
            )
            return None
        if POINT_NUMBER.match(text) and any(c.isdigit() for c in text):
            return text.replace(",", "")
        if "," in text:
            self.problem(
                column,
                "Not a number: a comma here can only separate thousands (1,250.5). Write 4.8 for four point "
                "eight, or import the file with the decimal comma number format.",
            )
        else:
            self.problem(column, "Not a number; write digits only, like 1250.5.")
        return None

    def whole(
        self,
        column: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
        percent: bool = False,
    ) -> int | None:
        """A whole number; `percent` columns read a cell written as a percent (60%, or 0.6
        formatted as 60%) as 60, other columns refuse it."""
        raw = self.raw(column, required)
        if raw is None:
            return None
        number = self.decimal(column, percent="points" if percent else "refuse")
        if number is None:
            return None
        if number != number.to_integral_value():
            self.problem(column, "Must be a whole number.")
            return None
        value = int(number)
        if (low is not None and value < low) or (high is not None and value > high):
            rule = f"Must be between {low} and {high}." if high is not None else f"Must be {low} or more."
            self.problem(column, rule)
            return None
        return value

    def choice(self, column: str, choices, *, required: bool = False, default: str | None = None) -> str | None:
        """A value of a TextChoices, given as the value (on_track) or the label (On track), any case."""
        value = self.raw(column, required)
        if value is None:
            return default
        wanted = str(value).strip().lower()
        for stored, label in choices.choices:
            if wanted in (stored.lower(), str(label).lower(), stored.replace("_", " ").lower()):
                return stored
        self.problem(column, f"Not one of the allowed values: {', '.join(v for v, _ in choices.choices)}.")
        return default

    def flag(self, column: str, *, default: bool = False) -> bool:
        value = self.raw(column, False)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        word = as_text(value).lower()
        if word in YES | NO:
            return word in YES
        self.problem(column, "Write yes or no.")
        return default

    def codes(self, column: str) -> list[str]:
        """A ';'-separated list of codes, blanks dropped, order kept, repeats removed."""
        text = self.text(column)
        seen: list[str] = []
        for part in text.split(LIST_SEPARATOR):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
        return seen

    def model_problems(self, instance, *, exclude: list[str], columns: dict[str, str] | None = None) -> None:
        """Run the model's field validators and clean(): its rules, reported against the file's columns.

        `columns` maps a model field to the file column it came from, when the names differ.
        Unique and check constraints are not run here: the import checks keys itself, and the
        service saving the row runs the full validation again.
        """
        columns = columns or {}
        errors: dict[str, list[str]] = {}
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            errors.update(error.message_dict)
        if not errors:
            try:
                instance.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        for field, messages in errors.items():
            column = columns.get(field, field)
            value = self.row.values.get(column, getattr(instance, field, "") if field != "__all__" else "")
            self.problem(column if field != "__all__" else "", " ".join(messages), value)
