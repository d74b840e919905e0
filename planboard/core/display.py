"""Shown figures: the one rounding rule for every percent a person reads.

DESIGN.md "Rounding for display": half up, as a person rounds (62.5% shows as 63%, not Python's
half-to-even 62%); whole percents on pages, in the API's display fields and in chart labels, one
decimal in the report card. Rounding starts from the exact value the stored float stands for
(planboard.core.progress.exact), so 0.145, stored as 0.14499999999999999, shows as 15%, not 14%.
"""

import math
from decimal import Decimal
from fractions import Fraction

from planboard.core.progress import Number, exact

NO_FIGURE = "no figure"


# A float this close to a half is rounded on its exact value; further from one, in floats.
TIE_WINDOW = 1e-6


def rounded(value: Number, places: int = 0) -> Decimal:
    """`value` rounded half up (away from zero) to `places` decimals, exactly: 0.125, 2 → 0.13."""
    scale = 10**places
    shifted = abs(float(value)) * scale
    if isinstance(value, float) and abs(shifted - math.floor(shifted) - 0.5) > TIE_WINDOW:
        magnitude = math.floor(shifted + 0.5)  # not near a half: float error cannot change it
    else:
        magnitude = math.floor(abs(exact(value)) * scale + Fraction(1, 2))
    return Decimal(-magnitude if value < 0 else magnitude).scaleb(-places)


def percent_shown(value: Number | None, places: int = 0, *, none: str = NO_FIGURE) -> str:
    """A fraction 0..1 as a shown percent: 0.625 → "63%", 0.7525 with places=1 → "75.3%";
    None → `none` (nothing to measure is never 0%)."""
    if value is None:
        return none
    return f"{rounded(value * 100 if isinstance(value, float) else exact(value) * 100, places):f}%"


def number_shown(value: Number, places: int = 2) -> str:
    """A reading or target as shown: half up to `places` decimals, thousands separated, no
    trailing zeros: 12.345 → "12.35", 12.50 → "12.5", 1234 → "1,234"."""
    text = f"{rounded(value, places):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
