"""What the initiatives admin pages share: `ONLY_RELATED` (a list filter offering only the rows in
use) and `may_edit_some_initiative`, whether a user may add an initiative's details at all (plan
editors, department members, initiative owners)."""

from django.contrib import admin

from initiatives.models import Initiative
from planboard.core import permissions
from planboard.core.admin import may_edit_some_plan

ONLY_RELATED = admin.RelatedOnlyFieldListFilter


def may_edit_some_initiative(user) -> bool:
    """Besides plan editors: department members and initiative owners (see can_edit_initiative)."""
    who = permissions.actor(user)
    if who.is_anonymous:
        return False
    if may_edit_some_plan(user) or who.department_ids:
        return True
    if not hasattr(user, "_planboard_owns_initiatives"):
        user._planboard_owns_initiatives = Initiative.objects.filter(owner=user).exists()
    return user._planboard_owns_initiatives
