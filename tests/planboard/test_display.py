"""Shown figures round half up, as a person writes them (DESIGN.md "Rounding for display")."""

from decimal import Decimal

import pytest

from planboard.core import charts
from planboard.core.display import number_shown, percent_shown, rounded
from planboard.templatetags.planboard_ui import decimals, percent


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (0.625, 0, "63%"),  # 62.5 → 63 (round() gives 62, half to even)
        (0.635, 0, "64%"),  # 63.5 → 64
        (0.145, 0, "15%"),  # the float is 0.14499999…; it stands for 0.145 = 14.5% → 15%
        (0.624, 0, "62%"),
        (0.0, 0, "0%"),
        (1.0, 0, "100%"),
        (0.4845, 1, "48.5%"),  # 48.45 → 48.5 ("%.1f" gives 48.4)
        (0.7525, 1, "75.3%"),
        (0.75, 1, "75.0%"),
        (None, 0, "no figure"),  # nothing to measure is never 0%
    ],
)
def test_percent_shown_rounds_half_up(value, places, shown):
    assert percent_shown(value, places) == shown


def test_every_percent_on_pages_and_charts_is_the_one_rule():
    assert percent(0.625) == charts.percent_text(0.625) == "63%"
    assert percent_shown(None, none="not measured") == "not measured"
    assert charts.format_number(Decimal("12.345")) == number_shown(12.345) == "12.35"  # "%.2f" gives 12.34
    assert number_shown(Decimal("1234.50")) == "1,234.5" and number_shown(3) == "3"
    assert decimals(0.3865) == "0.387" and decimals(0.38656, 4) == "0.3866"


def test_rounded_is_half_away_from_zero():
    assert rounded(Decimal("2.5")) == 3 and rounded(Decimal("-2.5")) == -3
    assert rounded(0.125, 2) == Decimal("0.13")
