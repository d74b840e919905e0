"""Numbers and dates typed as text, read under the import's number format, never guessed."""

import datetime
from decimal import Decimal

import pytest

from planboard.transfer.cells import RowCheck
from planboard.transfer.read import PERCENT, Row


def read(value, *, comma=False, marks=None, how="decimal", **options):
    problems = []
    check = RowCheck(Row("Sheet", 2, {"c": value}, marks or {}, comma), problems)
    return getattr(check, how)("c", **options), problems


@pytest.mark.parametrize(
    ("typed", "comma", "expected"),
    [
        ("4.8", False, Decimal("4.8")),
        ("1,250.5", False, Decimal("1250.5")),
        ("12,345", False, Decimal("12345")),
        ("$1,250", False, Decimal("1250")),
        ("4,8", True, Decimal("4.8")),
        ("1.250,5", True, Decimal("1250.5")),
        ("1 250,5", True, Decimal("1250.5")),
        ("4.800", True, Decimal("4800")),
    ],
)
def test_numbers_read_in_the_declared_format(typed, comma, expected):
    assert read(typed, comma=comma) == (expected, [])


@pytest.mark.parametrize(("typed", "comma"), [("4,8", False), ("1,25", False), ("4.8", True), ("1,2,3", True)])
def test_a_number_that_does_not_fit_the_format_is_refused_never_read_as_another(typed, comma):
    value, problems = read(typed, comma=comma)
    assert value is None and [(p.row, p.column, p.value) for p in problems] == [(2, "c", typed)]


def test_percent_cells_by_column():
    # An .xlsx cell formatted 4.7% holds 0.047.
    assert read(0.047, marks={"c": PERCENT}, percent="points")[0] == Decimal("4.7")
    assert read(0.5, marks={"c": PERCENT}, percent="fraction")[0] == Decimal("0.5")
    assert read("50%", percent="fraction")[0] == Decimal("0.5")
    value, problems = read(0.5, marks={"c": PERCENT})
    assert value is None and "is a percent, but this column is not" in problems[0].rule
    assert read(0.6, marks={"c": PERCENT}, how="whole", percent=True)[0] == 60
    assert read("60%", how="whole")[0] is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("03/15/26", datetime.date(2026, 3, 15)),
        ("1/1/29", datetime.date(2029, 1, 1)),
        ("1/1/30", datetime.date(1930, 1, 1)),
    ],
)
def test_two_digit_years_pivot_at_30(typed, expected):
    assert read(typed, how="date") == (expected, [])
