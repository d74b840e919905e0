"""Who a reminder goes to: recipients read from values() rows, their reminder settings, and the
escalation roster (the department's liaisons, else the plan's editors, else the CIO/administrators).

Only people who can be reached count: an active user with an e-mail address. A department whose
only liaison has no address falls through to the editors, so an escalation always reaches someone
while anyone at all can be reached (and the run's log says so when nobody can).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from goals.models import DepartmentMembership, Plan
from planboard.core.permissions import administrator_filter, plan_editor_filter
from reports.models import ReminderLedgerEntry, ReminderSetting

USER_COLUMNS = ["email", "first_name", "last_name", "username", "is_active"]
Audience = ReminderLedgerEntry.Audience


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str

    @property
    def reachable(self) -> bool:
        return bool(self.email)


def recipient_from_row(user_id: int | None, row: dict, prefix: str) -> Recipient | None:
    """A Recipient from the `<prefix>__…` user columns of a values() row (None: no active user)."""
    if user_id is None or not row.get(f"{prefix}__is_active", True):
        return None
    first, last = row[f"{prefix}__first_name"], row[f"{prefix}__last_name"]
    name = f"{first} {last}".strip() or row[f"{prefix}__username"]
    return Recipient(user_id=user_id, email=(row[f"{prefix}__email"] or "").strip(), name=name)


def user_recipient(user) -> Recipient:
    name = user.get_full_name().strip() or user.get_username()
    return Recipient(user_id=user.pk, email=(user.email or "").strip(), name=name)


def reminder_settings(user_ids) -> dict[int, str]:
    """Each user's reminder setting (one query); a user without a row has the weekly default."""
    stored = dict(ReminderSetting.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "reminders"))
    return defaultdict(lambda: ReminderSetting.Choice.WEEKLY, stored)


def _recipients(queryset, key: str | None = None) -> dict | list:
    rows = queryset.order_by("id").distinct().values("id", *USER_COLUMNS, *([key] if key else []))
    found: dict = defaultdict(list)
    for row in rows:
        person = recipient_from_row(row["id"], {f"u__{c}": row[c] for c in USER_COLUMNS}, "u")
        if person is not None and person.reachable:
            found[row[key] if key else None].append(person)
    return found if key else found.get(None, [])


@dataclass
class EscalationRoster:
    """The people an escalation can go to, read once per run: three queries plus one per plan scope."""

    liaisons: dict[int, list[Recipient]] = field(default_factory=dict)  # department id → liaisons
    editors: dict[int, list[Recipient]] = field(default_factory=dict)  # plan id → editors
    admins: list[Recipient] = field(default_factory=list)

    def for_item(self, *, department_id: int | None, plan_id: int) -> tuple[str, list[Recipient]]:
        """(audience, recipients) for an item: liaisons, else the plan's editors, else administrators."""
        if department_id is not None and self.liaisons.get(department_id):
            return Audience.LIAISON, self.liaisons[department_id]
        if self.editors.get(plan_id):
            return Audience.EDITOR, self.editors[plan_id]
        return Audience.ADMIN, self.admins


def escalation_roster(*, department_ids: set[int], plan_ids: set[int]) -> EscalationRoster:
    """Liaisons of the given departments, editors of the given plans and the administrators."""
    if not department_ids and not plan_ids:
        return EscalationRoster()
    users = get_user_model().objects
    liaisons = _recipients(
        users.filter(
            is_active=True,
            memberships__role=DepartmentMembership.Role.LIAISON,
            memberships__department_id__in=department_ids,
            memberships__department__is_active=True,
        ),
        key="memberships__department_id",
    )
    editors: dict[int, list[Recipient]] = {}
    # Plans that share a scope and department share their editors: one query per distinct pair.
    groups: dict[tuple, tuple[Plan, list[int]]] = {}
    for plan in Plan.objects.filter(pk__in=plan_ids).only("id", "scope", "department_id"):
        groups.setdefault((plan.scope, plan.department_id), (plan, []))[1].append(plan.pk)
    for representative, ids in groups.values():
        people = _recipients(users.filter(plan_editor_filter(representative)))
        for plan_id in ids:
            editors[plan_id] = people
    admins = _recipients(users.filter(administrator_filter()))
    return EscalationRoster(liaisons=dict(liaisons), editors=editors, admins=admins)
