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
from planboard.transfer.read import Row, as_text

FORMULA_STARTS = "=+-@\t\r"
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
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
            try:
                return datetime.date(year, month, day)
            except ValueError:
                pass
        self.problem(column, "Not a date; write it as 2024-06-30 (year-month-day) or 6/30/2024.")
        return None

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(column, required)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, datetime.date):
            self.problem(column, "Not a number.")
            return None
        text = repr(value) if isinstance(value, float) else str(value).replace(",", "").replace("$", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.problem(column, "Not a number; write digits only, like 1250.5.")
            return None
        if not number.is_finite():
            self.problem(column, "Not a number; write digits only, like 1250.5.")
            return None
        return number

    def whole(
        self, column: str, *, required: bool = False, low: int | None = None, high: int | None = None
    ) -> int | None:
        raw = self.raw(column, required)
        if raw is None:
            return None
        if isinstance(raw, str) and raw.endswith("%"):
            self.row.values[column] = raw = raw[:-1].strip()
        number = self.decimal(column)
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
