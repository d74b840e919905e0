"""The hand-worked example of the priority tests (`example`).

Weights: pillar "One IT" 2, pillar "Customer Experience" 1, driver "Secure environment" 1.
The most an initiative can earn is 3 × (2 + 1 + 1) = 12 weighted points.

    initiative  One IT  Customer  Secure   weighted sum               score = sum / 12 × 100
    A-1         3       0         1        2×3 + 1×0 + 1×1 = 7        58.33
    A-2         1       3         2        2×1 + 1×3 + 1×2 = 7        58.33
    A-3         2       1         0        2×2 + 1×1 + 1×0 = 5        41.67
    A-10        2       0         1        2×2 + 1×0 + 1×1 = 5        41.67
    A-4         (no scores)                                            none, unranked

Ties are ordered by code in natural order: A-1 before A-2, A-3 before A-10 (not "A-10" < "A-3").
"""

from decimal import Decimal

import pytest

from initiatives.models import AlignmentScore
from tests.factories import DriverFactory, InitiativeFactory, PillarFactory

SCORES = {"A-1": (3, 0, 1), "A-2": (1, 3, 2), "A-3": (2, 1, 0), "A-10": (2, 0, 1)}


@pytest.fixture
def example(city):
    plan = city.enterprise
    criteria = [
        PillarFactory(plan=plan, name="One IT", weight=Decimal("2"), order=1),
        PillarFactory(plan=plan, name="Customer Experience", weight=Decimal("1"), order=2),
        DriverFactory(plan=plan, name="Secure environment", weight=Decimal("1"), order=1),
    ]
    for code, scores in SCORES.items():
        initiative = InitiativeFactory(plan=plan, code=code)
        for criterion, score in zip(criteria, scores, strict=True):
            field = "pillar" if criterion._meta.model_name == "pillar" else "driver"
            AlignmentScore.objects.create(initiative=initiative, score=score, **{field: criterion})
    InitiativeFactory(plan=plan, code="A-4")
    return plan, criteria
