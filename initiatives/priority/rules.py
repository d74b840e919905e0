"""Prioritization (Aurora's method): weighted scores against pillars and business drivers.

The method, as shown beside every ranking:

- each initiative is scored 0 (does not serve it) to 3 (serves it strongly) against each pillar
  and each business driver of its plan; a criterion left unscored counts as 0;
- priority score = Σ (weight × score) / Σ (weight × 3) × 100, over every pillar and driver of
  the plan, so 100 means "3 on everything" whatever the weights; an initiative with no score at
  all has no priority score and no rank; when every weight is 0 nobody is scored;
- rank 1 is the highest score. Equal scores are ordered by initiative code, in natural order
  (AUR-2 before AUR-10), so every scored initiative has its own rank and the order is stable.

Scores are compared as exact fractions, so two initiatives with the same weighted sum always tie,
whatever the rounding of the figure shown (two decimals).

Sensitivity: each weight in turn is moved up and down by 10% (the others kept), the ranking is
redone, and the initiatives whose rank changes are listed with their rank before and after.

The stored figures and the changes to weights and scores are initiatives.priority.services.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from goals.models import Plan
from initiatives.models import AlignmentScore, Initiative
from planboard.core.display import rounded

MAX_SCORE = 3
# The method in words, shown beside every ranking (page and API).
METHOD = [
    "Each initiative is scored 0 (does not serve it) to 3 (serves it strongly) against each pillar and each "
    "business driver of the plan; a criterion left unscored counts as 0.",
    "Priority score = Σ (weight × score) ÷ Σ (weight × 3) × 100, over every pillar and driver, so 100 means "
    "3 on everything whatever the weights. An initiative with no score at all is not ranked.",
    "Rank 1 is the highest score; equal scores are ordered by initiative code (AUR-2 before AUR-10).",
    "Sensitivity: each weight in turn is moved up and down by 10%, the others kept, and the initiatives "
    "whose rank changes are listed.",
]
SENSITIVITY_STEP = Fraction(1, 10)


@dataclass(frozen=True)
class Criterion:
    """A pillar or business driver with its weight; `key` is "pillar-<id>" or "driver-<id>"."""

    kind: str
    pk: int
    name: str
    weight: Decimal
    version: int

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"


@dataclass
class Ranked:
    initiative: Initiative
    scores: dict[str, int]  # by criterion key
    score: Fraction | None
    rank: int | None = None

    @property
    def score_shown(self) -> float | None:
        """The score rounded half up to two decimals (planboard.core.display), as stored and shown."""
        return None if self.score is None else float(rounded(self.score, 2))


def natural_key(code: str) -> tuple:
    """ "AUR-10" after "AUR-2": digit runs compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", code))


def priority_score(
    scores: dict[str, int], criteria: list[Criterion], weights: dict[str, Fraction] | None = None
) -> Fraction | None:
    """Σ(weight × score) / Σ(weight × 3) × 100 over `criteria`; None with no score or no weight."""
    if not scores:
        return None
    weights = weights or {c.key: Fraction(c.weight) for c in criteria}
    most = sum(weights[c.key] * MAX_SCORE for c in criteria)
    if most == 0:
        return None
    return sum(weights[c.key] * scores.get(c.key, 0) for c in criteria) * 100 / most


def rank(rows: list[Ranked]) -> list[Ranked]:
    """Rows ordered by score (highest first, ties by natural code order) with ranks 1..n; unscored last."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, natural_key(r.initiative.code)))
    for position, row in enumerate(scored, start=1):
        row.rank = position
    unscored = sorted((r for r in rows if r.score is None), key=lambda r: natural_key(r.initiative.code))
    for row in unscored:
        row.rank = None
    return [*scored, *unscored]


@dataclass
class Ranking:
    plan: Plan
    criteria: list[Criterion]
    rows: list[Ranked]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal("0"))


def plan_criteria(plan: Plan) -> list[Criterion]:
    """The plan's pillars then drivers, in their order (two queries)."""
    pillars = [Criterion("pillar", p.pk, p.name, p.weight, p.version) for p in plan.pillars.order_by("order", "name")]
    drivers = [Criterion("driver", d.pk, d.name, d.weight, d.version) for d in plan.drivers.order_by("order", "name")]
    return [*pillars, *drivers]


def plan_ranking(plan: Plan, *, initiatives=None) -> Ranking:
    """Every initiative of `plan` scored and ranked, in four queries whatever the number of initiatives.

    `initiatives` may narrow or decorate the queryset (for example `select_related`); it must
    hold only the plan's initiatives.
    """
    criteria = plan_criteria(plan)
    queryset = initiatives if initiatives is not None else Initiative.objects.filter(plan=plan)
    items = list(queryset.order_by())
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    rows = AlignmentScore.objects.filter(initiative__plan=plan).values_list(
        "initiative_id", "pillar_id", "driver_id", "score"
    )
    for initiative_id, pillar_id, driver_id, score in rows:
        key = f"pillar-{pillar_id}" if pillar_id else f"driver-{driver_id}"
        scores[initiative_id][key] = score
    ranked = [Ranked(i, scores[i.pk], priority_score(scores[i.pk], criteria)) for i in items]
    return Ranking(plan, criteria, rank(ranked))


# --- Sensitivity ------------------------------------------------------------------------------


@dataclass
class RankChange:
    initiative: Initiative
    before: int
    after: int


@dataclass
class WeightShift:
    criterion: Criterion
    direction: str  # "+10%" or "−10%"
    weight: Fraction
    changes: list[RankChange]


def sensitivity(ranking: Ranking) -> list[WeightShift]:
    """For each weight moved +10% and −10% (others unchanged): the initiatives whose rank changes."""
    base = {row.initiative.pk: row.rank for row in ranking.rows}
    weights = {c.key: Fraction(c.weight) for c in ranking.criteria}
    shifts = []
    for criterion in ranking.criteria:
        for direction, factor in (("+10%", 1 + SENSITIVITY_STEP), ("−10%", 1 - SENSITIVITY_STEP)):
            moved = {**weights, criterion.key: weights[criterion.key] * factor}
            rows = rank(
                [
                    Ranked(r.initiative, r.scores, priority_score(r.scores, ranking.criteria, moved))
                    for r in ranking.rows
                ]
            )
            changes = [
                RankChange(r.initiative, base[r.initiative.pk], r.rank) for r in rows if r.rank != base[r.initiative.pk]
            ]
            shifts.append(WeightShift(criterion, direction, moved[criterion.key], changes))
    return shifts
