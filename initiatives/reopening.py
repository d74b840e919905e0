"""How a status update moves its initiative, and the rule of reopening a completed one.

The newest update (by its date) sets the initiative's status; an older-dated one only joins the
record. An update that would move a completed initiative to another status reopens it, and is
refused unless it carries a reason, which the initiative's history records; only a reopening
clears the completed date. initiatives.services applies this to every status update it posts
(the page, the API, the admin, imports and the update-all page all post through it), and the
import's check calls `reopen_check` to name the row before anything is written.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from initiatives.models import Initiative, InitiativeStatus, StatusUpdate

# django-simple-history keeps a change's reason in 100 characters; a reopening's is
# "Reopened: " and the reason, so the reason has at most 90.
AUDIT_REASON_MAX = 100
REOPEN_REASON_MAX = 90


def _is_newest(initiative: Initiative, update: StatusUpdate) -> bool:
    return initiative.last_update_on is None or update.as_of >= initiative.last_update_on


def reopens(initiative: Initiative, update: StatusUpdate) -> bool:
    """Would posting `update` reopen `initiative`: it is completed, and the update is the newest
    and reports another status. (An older-dated update joins the record without moving anything.)"""
    return (
        initiative.status == InitiativeStatus.COMPLETED
        and update.status != InitiativeStatus.COMPLETED
        and _is_newest(initiative, update)
    )


def reopen_refusal(initiative: Initiative, update: StatusUpdate) -> str:
    """Why an update that would reopen `initiative` needs a reason (the message for `reopen_reason`)."""
    since = f" on {initiative.completed_date:%Y-%m-%d}" if initiative.completed_date else ""
    return (
        f"{initiative.code} was completed{since}. Posting “{update.get_status_display()}” would reopen it: "
        "give the reason for reopening, or keep the status Completed."
    )


@dataclass
class _StatusSeen:
    """What the reopening rule reads of an initiative, as a batch leaves it."""

    code: str
    status: str
    last_update_on: datetime.date | None
    completed_date: datetime.date | None


def reopen_check(
    *, items: Sequence[tuple[int, Initiative, StatusUpdate, str]]
) -> tuple[dict[int, str], dict[int, list[str]]]:
    """The reopening rule over a batch of (position, initiative, update, reopen reason), without
    writing: the updates are taken oldest first (positions in order within a day), each against
    the state the earlier ones leave, as the batch service applies them. Returns the refusals by
    position (a reopening without a reason) and the reasons of the reopenings by initiative id.
    Shared by initiative_post_updates and the import's check (planboard.transfer.updates)."""
    seen: dict[int, _StatusSeen] = {}
    refused: dict[int, str] = {}
    reasons: dict[int, list[str]] = {}
    for position, initiative, update, reason in sorted(items, key=lambda item: (item[2].as_of, item[0])):
        state = seen.setdefault(
            initiative.pk,
            _StatusSeen(initiative.code, initiative.status, initiative.last_update_on, initiative.completed_date),
        )
        reason = (reason or "").strip()
        if reopens(state, update) and not reason:
            refused[position] = reopen_refusal(state, update)
            continue
        if reopens(state, update) and len(reason) > REOPEN_REASON_MAX:
            refused[position] = (
                f"The reason for reopening is kept in the history in at most {REOPEN_REASON_MAX} characters; "
                f"this one has {len(reason)}: shorten it (the narrative can say more)."
            )
            continue
        if reopens(state, update):
            reasons.setdefault(initiative.pk, []).append(reason)
        move_status(state, update)
    return refused, reasons


def move_status(initiative: Initiative, update: StatusUpdate) -> None:
    """Make `update` the initiative's current status, unless a newer one is already recorded.

    The completed date is set when the initiative becomes completed (a further "completed"
    update keeps the first date) and cleared only when it is reopened, which `reopen_check`
    allows only with a reason.
    """
    if _is_newest(initiative, update):
        was_completed = initiative.status == InitiativeStatus.COMPLETED
        initiative.status = update.status
        initiative.percent_complete = update.percent_complete
        initiative.last_update_on = update.as_of
        if update.status != InitiativeStatus.COMPLETED:
            initiative.completed_date = None
        elif not (was_completed and initiative.completed_date):
            initiative.completed_date = update.as_of


def audit_reason(default: str, reopened: list[str], correction: str = "") -> str:
    """The history's reason for a status change: "Reopened: <reason>" for a reopening, else
    `default`, then a closed period's correction; cut to the history's 100 characters (only two
    reopenings in one batch, or a reopening that corrects a closed period, come near it)."""
    text = f"Reopened: {'; '.join(reopened)}" if reopened else default
    if correction:
        text = f"{text}. {correction}"
    return text if len(text) <= AUDIT_REASON_MAX else text[: AUDIT_REASON_MAX - 1] + "…"
