"""Who belongs to a department and as what (member or liaison): `membership_create`,
`membership_update`, `membership_delete`. Like departments themselves, the CIO's alone to set up;
each write is audited. A membership feeds no plan's figures, so no plan is marked changed.

Memberships carry no version, so the update and delete take `version` only to be called like
every other model's services, and ignore it: an administrator's edit replaces the row as stored.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from goals.models import DepartmentMembership
from planboard.core import permissions
from planboard.core.audit import save_audited

ONLY_THE_CIO = "Only the CIO may change departments."


def _check(actor) -> None:
    if not permissions.can_edit_department(actor):
        raise PermissionDenied(ONLY_THE_CIO)


def membership_create(*, actor, data: dict, reason: str = "") -> DepartmentMembership:
    """Add `data["user"]` to `data["department"]` with `data["role"]` (member by default).

    Refused for anyone but administrators; a person already in the department is refused on
    `user` (change their role instead), and nothing is stored.
    """
    _check(actor)
    membership = DepartmentMembership(**data)
    with transaction.atomic():
        save_audited(membership, actor=actor, reason=reason or "Created")
    permissions.forget(membership.user)
    return membership


def membership_update(
    *, instance: DepartmentMembership, actor, data: dict, version: int | None = None, reason: str = ""
) -> DepartmentMembership:
    """Change a membership's department, person or role (administrators only; see the module
    docstring for `version`)."""
    _check(actor)
    with transaction.atomic():
        current = DepartmentMembership.objects.select_for_update().get(pk=instance.pk)
        before = current.user
        for name, value in data.items():
            setattr(current, name, value)
        save_audited(current, actor=actor, reason=reason or "Changed")
    permissions.forget(before)
    permissions.forget(current.user)
    return current


def membership_delete(*, instance: DepartmentMembership, actor, version: int | None = None, reason: str = "") -> None:
    """Take a person out of a department (administrators only)."""
    _check(actor)
    with transaction.atomic():
        current = DepartmentMembership.objects.select_for_update().get(pk=instance.pk)
        if actor is not None and actor.is_authenticated:
            current._history_user = actor
        if reason:
            current._change_reason = reason
        current.delete()
    permissions.forget(current.user)
