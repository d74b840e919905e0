"""Writes to initiatives: status updates (the rule of reopening a completed initiative, which
every path shares through these services, is initiatives/reopening.py), and the named services
of initiatives and milestones (`initiative_create`, `milestone_update`, ...) over the engine of
goals/services/engine.py. IT requests have theirs in initiatives/it_requests.py."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from goals.models import Objective
from goals.services import (
    ALIGNED_WHERE,
    ItemRules,
    Link,
    closed_ends_by_plan,
    closed_period,
    closed_period_allow,
    objectives_alignable_from,
    plan_item_create,
    plan_item_delete,
    plan_item_update,
    plan_mark_changed,
)
from initiatives.models import Initiative, Milestone, StatusUpdate
from initiatives.reopening import audit_reason, reopen_check
from initiatives.reopening import move_status as _move_status
from planboard.core import permissions
from planboard.core.audit import history_create
from planboard.core.exceptions import ConflictError

# The fields a status update moves on its initiative (besides version and updated_at).
STATUS_FIELDS = ["status", "percent_complete", "last_update_on", "completed_date"]


def _validated_update(
    *,
    initiative: Initiative,
    author,
    status: str,
    percent_complete: int,
    narrative: str,
    as_of: datetime.date | None,
    period_ends_on: datetime.date | None = None,
) -> StatusUpdate:
    """A status update checked field by field and by its rules (errors name the field).

    The initiative (with its plan) and author are already loaded rows, and the percent range is a
    field validator, so nothing here needs a query. Without `period_ends_on` the update reports for
    the plan's period owed on its date (planboard.core.periods.period_owed_on).
    """
    update = StatusUpdate(
        initiative=initiative,
        author=author,
        as_of=as_of or timezone.localdate(),
        status=status,
        percent_complete=percent_complete,
        narrative=narrative,
        period_ends_on=period_ends_on,
    )
    update.clean_fields(exclude=["initiative", "author"])
    update.clean()  # the dates are checked (and read) before any period is worked out from them
    plan = initiative.plan
    try:
        if update.period_ends_on is None:
            update.period_ends_on = plan.reporting_period_owed(update.as_of).ends_on
        period = plan.reporting_period_containing(update.period_ends_on)
    except (ValueError, OverflowError):
        raise ValidationError(
            {"period_ends_on": "That date lies outside any reporting period; check the year."}
        ) from None
    if period.ends_on != update.period_ends_on:
        raise ValidationError(
            {
                "period_ends_on": f"{update.period_ends_on:%Y-%m-%d} is not the last day of a reporting period of "
                f"the plan; the period it falls in, {period.label}, ends on {period.ends_on:%Y-%m-%d}."
            }
        )
    return update


def status_update_check(
    *,
    initiative: Initiative,
    author,
    status: str,
    percent_complete: int,
    narrative: str,
    as_of: datetime.date | None,
    period_ends_on: datetime.date | None = None,
) -> dict[str, list[str]]:
    """The errors, by field, that posting this update would raise (the same rules, nothing stored,
    no query): pages that check many rows before posting them in one batch show them per row."""
    try:
        _validated_update(
            initiative=initiative,
            author=author,
            status=status,
            percent_complete=percent_complete,
            narrative=narrative,
            as_of=as_of,
            period_ends_on=period_ends_on,
        )
    except ValidationError as error:
        return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return {}


def initiative_post_update(
    *,
    initiative: Initiative,
    author,
    status: str,
    percent_complete: int,
    narrative: str = "",
    as_of: datetime.date | None = None,
    version: int,
    period_ends_on: datetime.date | None = None,
    reopen_reason: str = "",
    correction_reason: str = "",
) -> StatusUpdate:
    """Append a status update and, when it is the newest, move the initiative's current status.

    The update reports for the period ending `period_ends_on` (the update-all page passes the
    period it shows); by default the plan's period owed on `as_of`. A closed period refuses it
    (PeriodClosed, naming `period_ends_on`, or `as_of` when the period came from the date) unless
    the CIO gives `correction_reason`, which the initiative's audit entry records.

    Reopening is explicit: an update that would move a completed initiative to another status is
    refused (ValidationError on `reopen_reason`) unless `reopen_reason` says why; the reason is
    recorded in the initiative's history, and only then is its completed date cleared.

    `version` is the initiative's version the author saw; if anyone changed the initiative since,
    ConflictError is raised and nothing is stored. Bad values raise ValidationError naming the field.
    """
    if not permissions.can_edit_initiative(author, initiative):
        raise PermissionDenied("You may not post updates for this initiative.")
    with transaction.atomic():
        current = Initiative.objects.select_for_update(of=("self",)).select_related("plan").get(pk=initiative.pk)
        if current.version != version:
            raise ConflictError(current)
        update = _validated_update(
            initiative=current,
            author=author,
            status=status,
            percent_complete=percent_complete,
            narrative=narrative,
            as_of=as_of,
            period_ends_on=period_ends_on,
        )
        refused, reasons = reopen_check(items=[(0, current, update, reopen_reason)])
        if refused:
            raise ValidationError({"reopen_reason": refused[0]})
        correction = closed_period_allow(
            closed=closed_period(plan_id=current.plan_id, day=update.period_ends_on),
            actor=author,
            correction_reason=correction_reason,
            field="period_ends_on" if period_ends_on is not None else "as_of",
            what="its status updates",
        )
        update.save()
        _move_status(current, update)
        # Only the status fields change, and the update's own rules checked them. The audit entry
        # is written by history_create, in three queries where simple-history's signal takes seven.
        current.skip_history_when_saving = True
        current.save(update_fields=STATUS_FIELDS)
        del current.skip_history_when_saving
        reason = audit_reason(f"Status update as of {update.as_of:%Y-%m-%d}", reasons.get(current.pk, []), correction)
        history_create([current], actor=author, reason=reason)
        plan_mark_changed(plan_id=current.plan_id)
    for name in [*STATUS_FIELDS, "version", "updated_at"]:
        setattr(initiative, name, getattr(current, name))
    return update


@dataclass(frozen=True)
class UpdateSpec:
    """One status update in a batch (see initiative_post_updates)."""

    initiative_id: int
    status: str
    percent_complete: int
    as_of: datetime.date
    narrative: str = ""
    period_ends_on: datetime.date | None = None  # None: the plan's period owed on `as_of`
    reopen_reason: str = ""  # required when the update would reopen a completed initiative
    # The initiative's version the author saw (the update-all page); None (imports): not compared.
    version: int | None = None


def initiative_post_updates(
    *, author, updates: Sequence[UpdateSpec], reason: str = "Status updates posted in bulk"
) -> list[StatusUpdate]:
    """Post many status updates in one transaction, in a fixed number of queries per batch (imports).

    The same rules as initiative_post_update: permission per initiative, each update validated,
    appended, and the newest moves its initiative's status; every initiative touched gets one new
    version and one audit entry naming `author` and `reason`. No `version` is compared: a batch
    appends to the record and reads each initiative's current state under a lock. Any bad item
    raises ValidationError keyed by the item's position ("0", "1", ...) and nothing is stored;
    an item that would reopen a completed initiative (as the batch leaves it before that item)
    without a `reopen_reason` is one, and a reason given is recorded in the history.
    """
    if not updates:
        return []
    with transaction.atomic():
        # Locked in primary-key order (in_bulk would drop the ordering), and only the initiatives'
        # rows (`of`): two batches, or a batch and a recalculation, never hold rows in opposite orders.
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("plan")
            .filter(pk__in={spec.initiative_id for spec in updates})
            .order_by("pk")
        )
        current = {initiative.pk: initiative for initiative in locked}
        closed = closed_ends_by_plan({initiative.plan_id for initiative in current.values()})
        errors: dict[str, list[str]] = {}
        rows: list[StatusUpdate] = []
        checked: list[tuple[int, Initiative, StatusUpdate, str]] = []  # position, initiative, update, reason
        for index, spec in enumerate(updates):
            initiative = current.get(spec.initiative_id)
            if initiative is None:
                errors[str(index)] = ["There is no such initiative."]
            elif not permissions.can_edit_initiative(author, initiative):
                errors[str(index)] = [f"You may not post updates for initiative {initiative.code}."]
            elif spec.version is not None and spec.version != initiative.version:
                errors[str(index)] = [
                    f"Someone else changed initiative {initiative.code} since you opened it "
                    f"(now {initiative.get_status_display()}, {initiative.percent_complete}%); check it and save again."
                ]
            else:
                try:
                    update = _validated_update(
                        initiative=initiative,
                        author=author,
                        status=spec.status,
                        percent_complete=spec.percent_complete,
                        narrative=spec.narrative,
                        as_of=spec.as_of,
                        period_ends_on=spec.period_ends_on,
                    )
                except ValidationError as error:
                    errors[str(index)] = error.messages
                else:
                    if update.period_ends_on in closed[initiative.plan_id]:
                        period = initiative.plan.reporting_period_containing(update.period_ends_on)
                        errors[str(index)] = [
                            f"The reporting period {period.key} is closed: its status updates can no longer be "
                            "changed. Only the CIO may correct it, giving a reason, on the initiative's page."
                        ]
                    else:
                        rows.append(update)
                        checked.append((index, initiative, update, spec.reopen_reason))
        refused, reopened = reopen_check(items=checked)
        errors |= {str(index): [message] for index, message in refused.items()}
        if errors:
            raise ValidationError(errors)
        # Oldest first, file order within a day, so the last one applied is the newest.
        for update in sorted(rows, key=lambda update: update.as_of):
            _move_status(current[update.initiative_id], update)
        StatusUpdate.objects.bulk_create(rows, batch_size=1000)
        touched = [current[pk] for pk in {update.initiative_id for update in rows}]
        for initiative in touched:
            if initiative.pk in reopened:
                initiative._change_reason = audit_reason(reason, reopened[initiative.pk])
        now = timezone.now()
        for initiative in touched:
            initiative.version += 1
            initiative.updated_at = now
        Initiative.objects.bulk_update(touched, [*STATUS_FIELDS, "version", "updated_at"], batch_size=1000)
        history_create(touched, actor=author, reason=reason)
        for plan_id in {initiative.plan_id for initiative in touched}:
            plan_mark_changed(plan_id=plan_id)
    return rows


# --- Initiatives and milestones: versioned create, update and delete ---------------------------
# The engine of the plan structure (goals.services.plan_item_*), with these items' own rules.


def _may_create_initiative(user, initiative: Initiative) -> bool:
    return permissions.can_edit_plan(user, initiative.plan)


def _initiative_refusal(initiative: Initiative, action: str) -> tuple[str | None, str]:
    if action == "create":
        plan = initiative.plan
        return "plan", f"You may not add initiatives to the plan “{plan}”; choose one you are allowed to edit."
    return None, "You may not make this change: afterwards you could no longer edit the initiative."


INITIATIVE_RULES = ItemRules(
    _may_create_initiative,
    permissions.can_edit_initiative,
    plan_id=lambda i: i.plan_id,
    links={
        "supports": Link(lambda i: Objective.objects.filter(goal__plan_id=i.plan_id), "its own plan"),
        "aligned_to": Link(lambda i: objectives_alignable_from(i.plan), ALIGNED_WHERE),
    },
    fixed=("plan",),
    # Deleting an initiative changes the plan's structure: an owner may not delete their own.
    may_delete=_may_create_initiative,
    refusal=_initiative_refusal,
)


def initiative_create(*, actor, data: dict, reason: str = "") -> Initiative:
    """Add an initiative to the plan `data["plan"]` (whoever may edit that plan).

    `supports` may name objectives of its own plan, `aligned_to` those of its plan or of the
    enterprise plan that plan aligns to. Its status moves only by status updates.
    """
    return plan_item_create(model=Initiative, rules=INITIATIVE_RULES, actor=actor, data=data, reason=reason)


def initiative_update(*, instance: Initiative, actor, data: dict, version: int, reason: str = "") -> Initiative:
    """Change an initiative seen at `version`: its owner, its department's members or its plan's
    editors, as long as they still may afterwards; it stays in its plan."""
    return plan_item_update(
        instance=instance, rules=INITIATIVE_RULES, actor=actor, data=data, version=version, reason=reason
    )


def initiative_delete(*, instance: Initiative, actor, version: int, reason: str = "") -> None:
    """Delete an initiative seen at `version`: whoever may edit its plan (its owner alone may not)."""
    plan_item_delete(instance=instance, rules=INITIATIVE_RULES, actor=actor, version=version, reason=reason)


def _may_change_milestone(user, milestone: Milestone) -> bool:
    return permissions.can_edit_initiative(user, milestone.initiative)


MILESTONE_RULES = ItemRules(
    _may_change_milestone,
    _may_change_milestone,
    plan_id=lambda m: m.initiative.plan_id,
    fixed=("initiative",),
    refusal=lambda m, _action: ("initiative", f"You may not change the initiative “{m.initiative}”."),
)


def milestone_create(*, actor, data: dict, reason: str = "") -> Milestone:
    """Add a milestone to the initiative `data["initiative"]` (whoever may edit that initiative)."""
    return plan_item_create(model=Milestone, rules=MILESTONE_RULES, actor=actor, data=data, reason=reason)


def milestone_update(*, instance: Milestone, actor, data: dict, version: int, reason: str = "") -> Milestone:
    """Change a milestone seen at `version`; it stays with its initiative."""
    return plan_item_update(
        instance=instance, rules=MILESTONE_RULES, actor=actor, data=data, version=version, reason=reason
    )


def milestone_delete(*, instance: Milestone, actor, version: int, reason: str = "") -> None:
    """Delete a milestone seen at `version`."""
    plan_item_delete(instance=instance, rules=MILESTONE_RULES, actor=actor, version=version, reason=reason)
