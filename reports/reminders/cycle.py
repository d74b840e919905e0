"""The reporting cycle's reminders: what is due soon or late, for which period, and who is told.

Reads the cached reporting figures the progress engine writes on initiatives and metrics
(`report_state`, `report_due_on`; planboard/core/progress.py `report_state` decides them) and the
plan's periods (planboard/core/periods.py through `plan.reporting_period_owed`). Rules:

- "due": the item owes an update for the period and its due date is at most
  REMINDER_DUE_SOON_DAYS away; sent once per item and period to its owner.
- "late": the due date has passed; sent once per item and period to its owner.
- "escalation": late for REMINDER_ESCALATION_DAYS or more, or owed with no owner who can be
  reached; sent once per item and period to the department's liaisons, else the plan's
  editors, else the CIO/administrators (recipients.escalation_roster); the ledger row says which.
- The owner is the one reminded (initiative owner, metric owner); department members who may
  also update an initiative see it on their update-all page but are not e-mailed about it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string

from goals.models import Metric, Plan
from initiatives.models import Initiative
from reports.models import ReminderLedgerEntry, ReminderSetting
from reports.reminders.ledger import Outgoing, Part
from reports.reminders.recipients import USER_COLUMNS, Recipient, escalation_roster, recipient_from_row
from reports.reminders.recipients import reminder_settings as settings_of

Kind = ReminderLedgerEntry.Kind
OWED_STATES = ("due", "late")
TEXT_TEMPLATE = "reports/email/reminder_due.txt"
HTML_TEMPLATE = "reports/email/reminder_due.html"


@dataclass(frozen=True)
class OwedItem:
    """An initiative's status update or a metric's reading, owed for one reporting period."""

    kind: str  # "initiative" | "metric"
    id: int
    label: str
    plan_id: int
    plan_title: str
    department_id: int | None
    department_name: str
    owner: Recipient | None
    due_on: datetime.date
    state: str  # "due" | "late"
    period_key: str
    period_label: str
    period_ends_on: datetime.date

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/{self.kind}s/{self.id}/"


def _rows(on_plan: dict, *, user_filter: Q | None = None, owed_filter: Q | None = None):
    """(kind, row, label, plan id, (department id, name)) of owed initiatives, then metrics; two
    queries. `on_plan` holds conditions on the plan's fields ({"status": "active"})."""
    owed = owed_filter if owed_filter is not None else Q(report_state__in=OWED_STATES)
    owner_columns = [f"owner__{column}" for column in USER_COLUMNS]
    initiatives = (
        Initiative.objects.filter(owed, **{f"plan__{name}": value for name, value in on_plan.items()})
        .filter(user_filter or Q())
        .order_by("plan_id", "code")
        .values("id", "code", "title", "plan_id", "department_id", "department__name", "department__is_active",
                "report_state", "report_due_on", "owner_id", *owner_columns)
    )  # fmt: skip
    metrics = (
        Metric.objects.filter(owed, **{f"objective__goal__plan__{name}": value for name, value in on_plan.items()})
        .filter(user_filter or Q())
        .order_by("objective__goal__plan_id", "name", "id")
        .values("id", "name", "objective__goal__plan_id", "objective__goal__plan__department_id",
                "objective__goal__plan__department__name", "report_state", "report_due_on", "owner_id", *owner_columns)
    )  # fmt: skip
    for row in initiatives:
        active = row["department__is_active"]
        yield (
            "initiative",
            row,
            f"{row['code']} {row['title']}",
            row["plan_id"],
            (row["department_id"] if active else None, row["department__name"] or ""),
        )
    for row in metrics:
        yield (
            "metric",
            row,
            row["name"],
            row["objective__goal__plan_id"],
            (row["objective__goal__plan__department_id"], row["objective__goal__plan__department__name"] or ""),
        )


def _owed(rows, plans: dict[int, Plan]) -> list[OwedItem]:
    found, periods = [], {}
    for kind, row, label, plan_id, (department_id, department_name) in rows:
        due_on = row["report_due_on"]
        if due_on is None or not row["report_state"]:
            continue
        plan = plans[plan_id]
        if (plan_id, due_on) not in periods:
            periods[plan_id, due_on] = plan.reporting_period_owed(due_on)
        period = periods[plan_id, due_on]
        found.append(
            OwedItem(
                kind=kind,
                id=row["id"],
                label=label,
                plan_id=plan_id,
                plan_title=plan.title,
                department_id=department_id,
                department_name=department_name,
                owner=recipient_from_row(row["owner_id"], row, "owner"),
                due_on=due_on,
                state=row["report_state"],
                period_key=period.key,
                period_label=period.label,
                period_ends_on=period.ends_on,
            )
        )
    return found


def owed_items(*, today: datetime.date, plan_slug: str | None = None) -> list[OwedItem]:
    """Every due or late item of the active plans (of `plan_slug` only, if given); three queries."""
    on_plan = {"status": Plan.Status.ACTIVE, **({"slug": plan_slug} if plan_slug else {})}
    plans = {plan.pk: plan for plan in Plan.objects.filter(**on_plan)}
    return _owed(_rows(on_plan), plans)


def items_owed_for_period(*, plan, period, user_ids: set[int]) -> dict[int, list[OwedItem]]:
    """What each of `user_ids` owns in `plan` and has not reported for `period` (for "send now")."""
    not_reported = ~Q(report_state="") & (Q(reported_through__isnull=True) | Q(reported_through__lt=period.ends_on))
    rows = _rows({"pk": plan.pk}, user_filter=Q(owner_id__in=user_ids), owed_filter=not_reported)
    owed: dict[int, list[OwedItem]] = defaultdict(list)
    for item in _owed(rows, {plan.pk: plan}):
        if item.owner is not None:
            owed[item.owner.user_id].append(item)
    return owed


def _part(item: OwedItem, kind: str, audience: str = ReminderLedgerEntry.Audience.OWNER) -> Part:
    return Part(
        kind=kind,
        period_key=item.period_key,
        item_key=item.key,
        audience=audience,
        period_ends_on=item.period_ends_on,
        plan_id=item.plan_id,
        initiative_id=item.id if item.kind == "initiative" else None,
        metric_id=item.id if item.kind == "metric" else None,
        about=item,
    )


def cycle_outgoing(owed: list[OwedItem], *, today: datetime.date, build) -> list[Outgoing]:
    """The ledger parts of the run, grouped into one message per recipient (`build(recipient)`)."""
    soon = datetime.timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    escalate_after = datetime.timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    chosen = settings_of(item.owner.user_id for item in owed if item.owner)
    parts: dict[int, list[Part]] = defaultdict(list)
    people: dict[int, Recipient] = {}
    escalated = []
    for item in owed:
        owner_reachable = item.owner is not None and item.owner.reachable
        if not owner_reachable or (item.state == "late" and today - item.due_on >= escalate_after):
            escalated.append(item)
        if item.owner is None or chosen[item.owner.user_id] == ReminderSetting.Choice.ESCALATIONS_ONLY:
            continue
        if item.state == "late":
            kind = Kind.LATE
        elif item.due_on - today <= soon:
            kind = Kind.DUE
        else:
            continue
        people[item.owner.user_id] = item.owner
        parts[item.owner.user_id].append(_part(item, kind))
    roster = escalation_roster(
        department_ids={item.department_id for item in escalated if item.department_id is not None},
        plan_ids={item.plan_id for item in escalated},
    )
    for item in escalated:
        audience, recipients = roster.for_item(department_id=item.department_id, plan_id=item.plan_id)
        for person in recipients:
            people[person.user_id] = person
            parts[person.user_id].append(_part(item, Kind.ESCALATION, audience))
    return [Outgoing(people[user_id], parts[user_id], build=build(people[user_id])) for user_id in sorted(parts)]


def cycle_message(recipient: Recipient, parts: list[Part], *, today, links: dict, note: str = ""):
    """One e-mail listing the claimed parts: due soon, late, and escalated (with the owner)."""
    sections = {kind: [part.about for part in parts if part.kind == kind] for kind in (Kind.DUE, Kind.LATE)}
    escalated = [
        (part.about, ReminderLedgerEntry.Audience(part.audience).label)
        for part in parts
        if part.kind == Kind.ESCALATION
    ]
    count = sum(map(len, sections.values())) + len(escalated)
    context = {
        "recipient": recipient,
        "due": sections[Kind.DUE],
        "late": sections[Kind.LATE],
        "escalated": escalated,
        "today": today,
        "note": note,
        "city_name": settings.CITY_NAME,
        "site_url": settings.SITE_URL,
        **links,
    }
    subject = f"Planboard: {count} report{'s' if count != 1 else ''} due" + (" or late" if context["late"] else "")
    if escalated and count == len(escalated):
        subject = f"Planboard: {count} late report{'s' if count != 1 else ''} escalated to you"
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(TEXT_TEMPLATE, context), to=[recipient.email]
    )
    message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    return message
