"""Writes to initiatives: status updates and the like (see goals/services.py for the pattern)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from goals.services import plan_mark_changed
from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
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
