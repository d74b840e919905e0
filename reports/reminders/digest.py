"""The weekly reminder digest: stale initiatives and due metric readings, with escalation.

Each active user who owns a stale initiative or a metric whose next reading is due, in an active
plan, gets one e-mail listing them. The rules come from planboard/core/progress.py (`is_stale`,
`reading_due_on`); this module only gathers the candidates, groups them per recipient and sends.

Escalation: an initiative stale for more than twice its update cadence is marked "escalated" in
its owner's digest and also listed, with the owner's name, in the digest of every liaison of the
initiative's department; a department with no reachable liaison falls back to the plan's editors,
then to the CIO/administrators (recipients.escalation_roster). Choices made where the issue is silent:

- An escalated initiative whose owner is missing or inactive still reaches the liaisons (nobody
  else will chase it); its owner, of course, gets no e-mail.
- A liaison's own escalated initiatives are listed once, in their own section, not again in the
  department section.
- Initiatives of an inactive department are still in their owner's digest (the plan is active),
  but an inactive department has no liaisons to escalate to (so the plan's editors get it).
- A never-updated initiative without a start date is stale (`is_stale`) but its age is unknown,
  so it is not escalated.

Gathering costs a fixed number of queries (initiatives, metrics, the escalation roster) however
many people and items there are; sending goes through the ledger (reports/reminders/ledger.py),
one message per recipient over one mail connection.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max
from django.template.loader import render_to_string

from goals.models import Metric, Plan
from initiatives.models import Initiative
from planboard.core.progress import NEVER_STALE_STATUSES, is_stale, reading_due_on
from reports.reminders.recipients import USER_COLUMNS, Recipient, escalation_roster
from reports.reminders.recipients import recipient_from_row as _recipient

logger = logging.getLogger(__name__)

# An initiative stale for more than this many cadences is escalated to its department's liaisons.
ESCALATION_FACTOR = 2

TEXT_TEMPLATE = "reports/email/reminder_digest.txt"
HTML_TEMPLATE = "reports/email/reminder_digest.html"


@dataclass(frozen=True)
class StaleInitiative:
    id: int
    code: str
    title: str
    plan_id: int
    plan_title: str
    department_id: int | None
    department_name: str
    owner: Recipient | None
    last_update_on: datetime.date | None
    start_date: datetime.date | None
    days_since_update: int | None
    cadence_days: int
    escalated: bool

    @property
    def url(self) -> str:
        # The initiative's HTML page comes in a later issue, so there is no URL name to reverse yet.
        return f"{settings.SITE_URL}/initiatives/{self.id}/"


@dataclass(frozen=True)
class DueMetric:
    id: int
    name: str
    plan_title: str
    frequency: str
    last_period_end: datetime.date | None
    baseline_date: datetime.date
    due_on: datetime.date

    @property
    def url(self) -> str:
        # As for initiatives: the metric's HTML page is a later issue, so the link is built by hand.
        return f"{settings.SITE_URL}/metrics/{self.id}/"


@dataclass
class Digest:
    """What one recipient is told: their own items, then their departments' escalated items."""

    recipient: Recipient
    initiatives: list[StaleInitiative] = field(default_factory=list)
    metrics: list[DueMetric] = field(default_factory=list)
    escalations: dict[str, list[StaleInitiative]] = field(default_factory=dict)  # department name → items
    # How the recipient came to get each escalated item: liaison, editor or admin (ledger audience).
    audiences: dict[int, str] = field(default_factory=dict)

    @property
    def has_escalated_own_initiative(self) -> bool:
        return any(item.escalated for item in self.initiatives)

    @property
    def escalation_count(self) -> int:
        return sum(len(items) for items in self.escalations.values())

    @property
    def subject(self) -> str:
        """For example "Planboard: 3 initiatives and 1 metric need an update", counting every section."""
        where = "in your department" if len(self.escalations) == 1 else "in your departments"
        parts = [
            (len(self.initiatives), "initiative", "initiatives"),
            (len(self.metrics), "metric", "metrics"),
            (self.escalation_count, f"escalated initiative {where}", f"escalated initiatives {where}"),
        ]
        phrases = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        verb = "needs" if sum(n for n, _, _ in parts) == 1 else "need"
        return f"Planboard: {listed} {verb} an update"


def stale_initiatives(*, today: datetime.date, plan_slug: str | None = None) -> list[StaleInitiative]:
    """Stale initiatives of active plans (of the plan `plan_slug` only, if given)."""
    rows = (
        Initiative.objects.filter(plan__status=Plan.Status.ACTIVE, **({"plan__slug": plan_slug} if plan_slug else {}))
        .exclude(status__in=NEVER_STALE_STATUSES)
        .order_by("plan__title", "code")
        .values(
            "id",
            "code",
            "title",
            "status",
            "last_update_on",
            "start_date",
            "update_cadence_days",
            "plan_id",
            "plan__title",
            "plan__update_cadence_days",
            "department_id",
            "department__name",
            "department__is_active",
            "owner_id",
            *(f"owner__{column}" for column in USER_COLUMNS),
        )
    )
    found = []
    for row in rows:
        cadence = row["update_cadence_days"] or row["plan__update_cadence_days"]
        if not is_stale(
            status=row["status"],
            last_update_on=row["last_update_on"],
            start_date=row["start_date"],
            cadence_days=cadence,
            today=today,
        ):
            continue
        reference = row["last_update_on"] or row["start_date"]
        days = (today - reference).days if reference else None
        owner = _recipient(row["owner_id"], row, "owner")
        found.append(
            StaleInitiative(
                id=row["id"],
                code=row["code"],
                title=row["title"],
                plan_id=row["plan_id"],
                plan_title=row["plan__title"],
                department_id=row["department_id"] if row["department__is_active"] else None,
                department_name=row["department__name"] or "",
                owner=owner,
                last_update_on=row["last_update_on"],
                start_date=row["start_date"],
                days_since_update=days,
                cadence_days=cadence,
                escalated=days is not None and days > ESCALATION_FACTOR * cadence,
            )
        )
    return found


def due_metrics(*, today: datetime.date, plan_slug: str | None = None) -> list[tuple[Recipient, DueMetric]]:
    """Metrics of active plans, owned by an active user, whose next reading is due by `today`."""
    only_plan = {"objective__goal__plan__slug": plan_slug} if plan_slug else {}
    rows = (
        Metric.objects.filter(objective__goal__plan__status=Plan.Status.ACTIVE, owner__is_active=True, **only_plan)
        .annotate(last_period_end=Max("readings__period_end"))
        .order_by("objective__goal__plan__title", "name", "id")
        .values(
            "id",
            "name",
            "frequency",
            "baseline_date",
            "last_period_end",
            "objective__goal__plan__title",
            "owner_id",
            *(f"owner__{column}" for column in USER_COLUMNS),
        )
    )
    found = []
    for row in rows:
        due_on = reading_due_on(
            frequency=row["frequency"], latest_period_end=row["last_period_end"], baseline_date=row["baseline_date"]
        )
        if due_on > today:
            continue
        found.append(
            (
                _recipient(row["owner_id"], row, "owner"),
                DueMetric(
                    id=row["id"],
                    name=row["name"],
                    plan_title=row["objective__goal__plan__title"],
                    frequency=row["frequency"],
                    last_period_end=row["last_period_end"],
                    baseline_date=row["baseline_date"],
                    due_on=due_on,
                ),
            )
        )
    return found


def reminder_digests(*, today: datetime.date, plan_slug: str | None = None) -> list[Digest]:
    """One digest per person to tell, in user-id order; a fixed number of queries in all."""
    digests: dict[int, Digest] = {}

    def digest_for(recipient: Recipient) -> Digest:
        return digests.setdefault(recipient.user_id, Digest(recipient=recipient))

    initiatives = stale_initiatives(today=today, plan_slug=plan_slug)
    for item in initiatives:
        if item.owner is not None:
            digest_for(item.owner).initiatives.append(item)
    for owner, metric in due_metrics(today=today, plan_slug=plan_slug):
        digest_for(owner).metrics.append(metric)

    escalated = [item for item in initiatives if item.escalated]
    roster = escalation_roster(
        department_ids={item.department_id for item in escalated if item.department_id is not None},
        plan_ids={item.plan_id for item in escalated},
    )
    for item in escalated:
        audience, people = roster.for_item(department_id=item.department_id, plan_id=item.plan_id)
        if not people:
            logger.warning(
                "Escalation of initiative %s reaches nobody: no liaison, editor or CIO can be e-mailed.", item.id
            )
        for person in people:
            if item.owner is not None and item.owner.user_id == person.user_id:
                continue  # already listed, marked escalated, in their own section
            digest = digest_for(person)
            digest.escalations.setdefault(item.department_name or "No department", []).append(item)
            digest.audiences[item.id] = audience

    for digest in digests.values():
        digest.escalations = dict(sorted(digest.escalations.items()))
    return [digests[user_id] for user_id in sorted(digests)]


def digest_message(digest: Digest, *, today: datetime.date, links: dict | None = None) -> EmailMultiAlternatives:
    """The e-mail for one digest: plain text with an HTML alternative, from the same context."""
    context = {
        "digest": digest,
        "today": today,
        "city_name": settings.CITY_NAME,
        "site_url": settings.SITE_URL,
        "escalation_factor": ESCALATION_FACTOR,
        **(links or {}),
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string(TEXT_TEMPLATE, context),
        to=[digest.recipient.email],
    )
    message.attach_alternative(render_to_string(HTML_TEMPLATE, context), "text/html")
    return message
