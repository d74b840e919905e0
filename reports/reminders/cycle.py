"""The reporting cycle's reminders: what is due soon or late, for which period, and who is told.

What an item owes and whether it is due or late comes from reports.cycle.selectors
(`initiative_reporting`, `metric_reporting`: the rule of planboard/core/progress.py applied to the
cached `reported_through`, so it holds for the run's `today`, also `--today`). Rules:

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
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string

from goals.models import Metric, Plan
from initiatives.models import Initiative, StatusUpdate
from planboard.core.progress import NOT_REPORTING_STATUSES, ReportState
from reports.cycle.selectors import initiative_reporting, metric_reporting, with_closed_through
from reports.models import ReminderLedgerEntry, ReminderSetting
from reports.reminders.ledger import Outgoing, Part
from reports.reminders.recipients import Recipient, escalation_roster, user_recipient
from reports.reminders.recipients import reminder_settings as settings_of

logger = logging.getLogger(__name__)
Kind = ReminderLedgerEntry.Kind
OWED_STATES = (ReportState.DUE, ReportState.LATE)
TEXT_TEMPLATE = "reports/email/reminder_due.txt"
HTML_TEMPLATE = "reports/email/reminder_due.html"


@dataclass(frozen=True)
class DueItem:
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


def _owner(user) -> Recipient | None:
    return user_recipient(user) if user is not None and user.is_active else None


def _initiative_item(initiative, period, state) -> DueItem:
    department = initiative.department if initiative.department and initiative.department.is_active else None
    return DueItem(
        kind="initiative",
        id=initiative.pk,
        label=f"{initiative.code} {initiative.title}",
        plan_id=initiative.plan_id,
        plan_title=initiative.plan.title,
        department_id=department.pk if department else None,
        department_name=initiative.department.name if initiative.department else "",
        owner=_owner(initiative.owner),
        due_on=period.due_on,
        state=state,
        period_key=period.key,
        period_label=period.label,
        period_ends_on=period.ends_on,
    )


def _metric_item(metric, period, state) -> DueItem:
    plan = metric.objective.goal.plan
    department = plan.department if plan.department and plan.department.is_active else None
    return DueItem(
        kind="metric",
        id=metric.pk,
        label=metric.name,
        plan_id=plan.pk,
        plan_title=plan.title,
        department_id=department.pk if department else None,
        department_name=plan.department.name if plan.department else "",
        owner=_owner(metric.owner),
        due_on=period.due_on,
        state=state,
        # A metric reports at its own frequency: its period's key is prefixed so it never meets a plan period's.
        period_key=f"{metric.frequency}:{period.key}",
        period_label=period.label,
        period_ends_on=period.ends_on,
    )


def _initiatives(on_plan: dict, **filters):
    initiatives = Initiative.objects.filter(**{f"plan__{name}": value for name, value in on_plan.items()}, **filters)
    return (
        with_closed_through(initiatives, "plan_id")
        .exclude(status__in=sorted(NOT_REPORTING_STATUSES))
        .select_related("plan", "department", "owner")
        .order_by("plan_id", "code")
    )


def _metrics(on_plan: dict, **filters):
    metrics = Metric.objects.filter(
        **{f"objective__goal__plan__{name}": value for name, value in on_plan.items()}, **filters
    )
    return (
        with_closed_through(metrics, "objective__goal__plan_id")
        .select_related("objective__goal__plan__department", "owner")
        .order_by("objective__goal__plan_id", "name", "id")
    )


def owed_items(*, today: datetime.date, plan_slug: str | None = None) -> list[DueItem]:
    """Every due or late item of the active plans (of `plan_slug` only, if given) on `today`, by
    the rule of reports.cycle.selectors (which applies planboard.core.progress); two queries."""
    on_plan = {"status": Plan.Status.ACTIVE, **({"slug": plan_slug} if plan_slug else {})}
    found = []
    for initiative in _initiatives(on_plan):
        period, state = initiative_reporting(initiative, today)
        if state in OWED_STATES:
            found.append(_initiative_item(initiative, period, state))
    for metric in _metrics(on_plan):
        period, state = metric_reporting(metric, today)
        if state in OWED_STATES:
            found.append(_metric_item(metric, period, state))
    return found


def items_owed_for_period(*, plan, period, user_ids: set[int], today: datetime.date) -> dict[int, list[DueItem]]:
    """What each of `user_ids` owns in `plan` and has not reported for `period` (for "send now"):
    initiatives begun by the period's end without an update for it (as the tracker counts them),
    and metrics whose own period is due or late now."""
    reported = StatusUpdate.objects.filter(initiative=OuterRef("pk"), period_ends_on=period.ends_on)
    initiatives = _initiatives({"pk": plan.pk}, owner_id__in=user_ids).filter(
        ~Exists(reported), Q(start_date__isnull=True) | Q(start_date__lte=period.ends_on)
    )
    owed: dict[int, list[DueItem]] = defaultdict(list)
    for initiative in initiatives:
        state = ReportState.LATE if period.due_on < today else ReportState.DUE
        owed[initiative.owner_id].append(_initiative_item(initiative, period, state))
    for metric in _metrics({"pk": plan.pk}, owner_id__in=user_ids):
        metric_period, state = metric_reporting(metric, today)
        if state in OWED_STATES:
            owed[metric.owner_id].append(_metric_item(metric, metric_period, state))
    return owed


def _part(item: DueItem, kind: str, audience: str = ReminderLedgerEntry.Audience.OWNER) -> Part:
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


def cycle_outgoing(owed: list[DueItem], *, today: datetime.date, build) -> list[Outgoing]:
    """The ledger parts of the run, grouped into one message per recipient (`build(recipient)`)."""
    soon = datetime.timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    escalate_after = datetime.timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    chosen = settings_of(item.owner.user_id for item in owed if item.owner)
    parts: dict[int, list[Part]] = defaultdict(list)
    people: dict[int, Recipient] = {}
    escalated = []
    for item in owed:
        if item.state == ReportState.LATE:
            kind = Kind.LATE
        elif item.due_on - today <= soon:
            kind = Kind.DUE
        else:
            continue  # not yet due soon: nobody is told, not even about an item without an owner
        owner_reachable = item.owner is not None and item.owner.reachable
        if not owner_reachable or (kind == Kind.LATE and today - item.due_on >= escalate_after):
            escalated.append(item)
        if item.owner is None or chosen[item.owner.user_id] == ReminderSetting.Choice.ESCALATIONS_ONLY:
            continue
        people[item.owner.user_id] = item.owner
        parts[item.owner.user_id].append(_part(item, kind))
    roster = escalation_roster(
        department_ids={item.department_id for item in escalated if item.department_id is not None},
        plan_ids={item.plan_id for item in escalated},
    )
    for item in escalated:
        audience, recipients = roster.for_item(department_id=item.department_id, plan_id=item.plan_id)
        if not recipients:
            logger.warning(
                "Escalation of %s %s reaches nobody: no liaison, editor or CIO can be e-mailed.", item.kind, item.id
            )
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
    subject = "Planboard: " + _listed(
        [
            (len(context["due"]), "report due soon", "reports due soon"),
            (len(context["late"]), "late report", "late reports"),
            (len(escalated), "late report escalated to you", "late reports escalated to you"),
        ]
    )
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(TEXT_TEMPLATE, context), to=[recipient.email]
    )
    message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    return message


def _listed(counts: list[tuple[int, str, str]]) -> str:
    """For example "1 report due soon and 2 late reports", from (count, singular, plural); zeros left out."""
    phrases = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
