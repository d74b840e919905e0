"""Priority services: store the scores and ranks, change weights and scores.

`priority_recompute(plan=...)` stores `priority_score` and `priority_rank` on every initiative of
the plan in four queries plus one bulk update; the services below call it whenever weights or
scores change. The method itself is initiatives.priority.rules.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from goals.models import BusinessDriver, Pillar, Plan
from initiatives.models import AlignmentScore, Initiative
from initiatives.priority.rules import Criterion, plan_criteria, plan_ranking
from planboard.core import permissions
from planboard.core.audit import save_audited
from planboard.core.exceptions import ConflictError

MAX_WEIGHT = Decimal("9999.99")


def priority_recompute(*, plan: Plan) -> int:
    """Store every initiative's priority score and rank for `plan`; returns how many rows changed.

    Cached figures like progress: no audit entry and no version bump (nobody typed them).
    """
    ranking = plan_ranking(
        plan,
        initiatives=Initiative.objects.filter(plan=plan).only(
            "pk", "code", "plan_id", "priority_score", "priority_rank"
        ),
    )
    changed = []
    for row in ranking.rows:
        if (row.initiative.priority_score, row.initiative.priority_rank) != (row.score_shown, row.rank):
            row.initiative.priority_score, row.initiative.priority_rank = row.score_shown, row.rank
            changed.append(row.initiative)
    Initiative.objects.bulk_update(changed, ["priority_score", "priority_rank"], batch_size=500)
    return len(changed)


def _read_weight(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("Enter a number, for example 1 or 2.5.") from None
    if not value.is_finite() or value < 0:
        raise ValueError("A weight must be zero or more.")
    if value > MAX_WEIGHT or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"A weight is at most {MAX_WEIGHT}, with two decimals at most.")
    return value


def priority_weights_update(
    *, plan: Plan, actor, weights: dict[str, object], versions: dict[str, int]
) -> list[Criterion]:
    """Set the weights of the plan's pillars and drivers, keyed "pillar-<id>" / "driver-<id>".

    Whoever may edit the plan's structure may do this (plan editors for the enterprise plan).
    Every bad weight is reported against its key and nothing is stored; a criterion changed by
    someone else since `versions[key]` raises ConflictError. Each changed weight is audited, and
    the stored priority scores and ranks are recomputed in the same transaction.
    """
    if not permissions.can_edit_plan(actor, plan):
        raise PermissionDenied("You may not change this plan's weights.")
    rows = {f"pillar-{p.pk}": p for p in Pillar.objects.filter(plan=plan)}
    rows |= {f"driver-{d.pk}": d for d in BusinessDriver.objects.filter(plan=plan)}
    errors, values = {}, {}
    for key, raw in weights.items():
        if key not in rows:
            errors[key] = "No pillar or business driver of this plan has that key."
            continue
        try:
            values[key] = _read_weight(raw)
        except ValueError as error:
            errors[key] = f"{rows[key].name}: {error}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for key, value in values.items():
            model = type(rows[key])
            current = model.objects.select_for_update().get(pk=rows[key].pk)
            if key in versions and current.version != versions[key]:
                raise ConflictError(current)
            if current.weight != value:
                current.weight = value
                save_audited(current, actor=actor, reason="Weight changed on the priority page")
        priority_recompute(plan=plan)
    return plan_criteria(plan)


def alignment_score_set(
    *,
    initiative: Initiative,
    actor,
    criterion: Pillar | BusinessDriver,
    score: int | None,
    version: int | None = None,
    reason: str = "",
) -> AlignmentScore | None:
    """Score `initiative` 0-3 against a pillar or driver (None removes the score), then re-rank its plan.

    Scoring is part of the plan's structure: whoever may edit the initiative's plan may do it.
    Given the `version` of the score the writer saw, a score changed since raises ConflictError
    and nothing changes. Audited with `reason` ("Score set" by default). Returns the score as
    stored (None once removed).
    """
    if not permissions.can_edit_plan(actor, initiative.plan):
        raise PermissionDenied("You may not score initiatives of this plan.")
    field = "pillar" if isinstance(criterion, Pillar) else "driver"
    with transaction.atomic():
        row = AlignmentScore.objects.select_for_update().filter(initiative=initiative, **{field: criterion}).first()
        if row is not None and version is not None and row.version != version:
            raise ConflictError(row)
        if score is None:
            if row is not None:
                row._history_user = actor
                row._change_reason = reason or "Score removed"
                row.delete()
                row = None
        else:
            row = row or AlignmentScore(initiative=initiative, **{field: criterion})
            row.score = score
            save_audited(row, actor=actor, reason=reason or "Score set")
        priority_recompute(plan=initiative.plan)
    return row
