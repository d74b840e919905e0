"""Writes to initiatives: status updates and the like (see goals/services.py for the pattern)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from goals.models import Objective
from goals.services import (
    ALIGNED_WHERE, ItemRules, Link, objectives_alignable_from, plan_item_create, plan_item_delete, plan_item_update,
    plan_mark_changed,
)
from initiatives.it_requests import IT_REQUEST_RULES
from initiatives.models import Initiative, InitiativeStatus, ITRequest, Milestone, StatusUpdate
from planboard import permissions
from planboard.audit import save_audited
from planboard.exceptions import ConflictError


def initiative_post_update(
    *,
    initiative: Initiative,
    author,
    status: str,
    percent_complete: int,
    narrative: str = "",
    as_of: datetime.date | None = None,
    version: int,
) -> StatusUpdate:
    """Append a status update and, when it is the newest, move the initiative's current status.

    `version` is the initiative's version the author saw; if anyone changed the initiative since,
    ConflictError is raised and nothing is stored. Bad values raise ValidationError naming the field.
    """
    if not permissions.can_edit_initiative(author, initiative):
        raise PermissionDenied("You may not post updates for this initiative.")
    with transaction.atomic():
        current = Initiative.objects.select_for_update().select_related("plan").get(pk=initiative.pk)
        if current.version != version:
            raise ConflictError(current)
        update = StatusUpdate(
            initiative=current,
            as_of=as_of or timezone.localdate(),
            status=status,
            percent_complete=percent_complete,
            narrative=narrative,
            author=author,
        )
        update.full_clean()
        update.save()
        if current.last_update_on is None or update.as_of >= current.last_update_on:
            current.status = status
            current.percent_complete = percent_complete
            current.last_update_on = update.as_of
            current.completed_date = update.as_of if status == InitiativeStatus.COMPLETED else None
        save_audited(current, actor=author, reason=f"Status update as of {update.as_of:%Y-%m-%d}")
        plan_mark_changed(plan_id=current.plan_id)
    initiative.refresh_from_db()
    return update


# --- Initiatives, milestones and IT requests: versioned create, update and delete -------------
# The same path as the plan structure (goals.services.plan_item_*), with these items' own rules.


def _may_create_initiative(user, initiative: Initiative) -> bool:
    return permissions.can_edit_plan(user, initiative.plan)


def _may_change_milestone(user, milestone: Milestone) -> bool:
    return permissions.can_edit_initiative(user, milestone.initiative)


INITIATIVE_ITEM_RULES: dict[type[Model], ItemRules] = {
    Initiative: ItemRules(
        _may_create_initiative, permissions.can_edit_initiative, plan_id=lambda i: i.plan_id,
        links={
            "supports": Link(lambda i: Objective.objects.filter(goal__plan_id=i.plan_id), "its own plan"),
            "aligned_to": Link(lambda i: objectives_alignable_from(i.plan), ALIGNED_WHERE),
        },
        fixed=("plan",),
        # Deleting an initiative changes the plan's structure: an owner may not delete their own.
        may_delete=_may_create_initiative,
    ),
    Milestone: ItemRules(
        _may_change_milestone, _may_change_milestone, plan_id=lambda m: m.initiative.plan_id, fixed=("initiative",)
    ),
    # The spend gate's own rules: drafts only, links to the plan or the department's aligned plan.
    ITRequest: IT_REQUEST_RULES,
}


def initiative_item_create(*, model: type[Model], actor, data: dict) -> Model:
    """Create an initiative, milestone or IT request (see goals.services.plan_item_create).

    An initiative is created by whoever may edit its plan; a milestone by whoever may edit its
    initiative; an IT request by the requesting department's liaison (or an administrator).
    """
    return plan_item_create(model=model, actor=actor, data=data, rules=INITIATIVE_ITEM_RULES[model])


def initiative_item_update(*, instance: Model, actor, data: dict, version: int) -> Model:
    """Change an initiative, milestone or IT request seen at `version` (see goals.services.plan_item_update)."""
    return plan_item_update(
        instance=instance, actor=actor, data=data, version=version, rules=INITIATIVE_ITEM_RULES[type(instance)]
    )


def initiative_item_delete(*, instance: Model, actor, version: int) -> None:
    """Delete an initiative, milestone or IT request seen at `version` (see goals.services.plan_item_delete).

    Deleting an initiative takes whoever may edit its plan; its owner alone may not.
    """
    plan_item_delete(instance=instance, actor=actor, version=version, rules=INITIATIVE_ITEM_RULES[type(instance)])
