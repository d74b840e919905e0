"""Sending each reminder once: claim ledger rows, send, record the outcome.

A message to one recipient is made of parts, one ledger row each (recipient, kind, item, period:
the unique constraint `reminder_once_per_item_period_kind`). Delivering it:

1. Claim, in one short transaction that commits before the message is sent: insert each part's row
   as "sending" with this delivery's claim token (INSERT ... ON CONFLICT DO NOTHING on PostgreSQL,
   INSERT OR IGNORE on SQLite, through bulk_create(ignore_conflicts=True)), and take over rows of
   the same parts left "failed" by an earlier run. The parts whose row now carries our token are
   ours; another run (a rerun, a redelivered task, a second worker) that gets there first owns
   the rest, and a part sent before is never claimed again.
2. Build the message from the claimed parts only, and send it.
3. Record: "sent" with the time and the Message-ID, or "failed" with the error, which the next
   run claims again.

The crash window, and the side chosen: a worker killed between the SMTP server accepting the
message and step 3 leaves rows "sending". Those are never claimed again, so the reminder is not
sent twice: at most once. The other order (record after the send, or re-claim old "sending"
rows) would be at least once, and a duplicate is exactly the bug this ledger exists to end;
with `acks_late` a lost worker is the very case where the message most likely went out. What
the chosen side can lose is small and visible: a claim whose process died before sending. The
command lists rows stuck in "sending" for more than an hour (`stuck_claims`); an operator who
has checked the mail server's log and knows they did not go out runs
`send_reminders --release-stuck`, which marks them failed, and that run sends them. Late items
are also reminded as "late" and escalated, so one lost "due" e-mail does not leave an item unseen.
One message is claimed at a time, so a run that dies loses at most the one it was sending.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.models import ReminderLedgerEntry
from reports.reminders.recipients import Recipient

logger = logging.getLogger(__name__)
Entry = ReminderLedgerEntry


@dataclass(frozen=True)
class Part:
    """One ledger row of a message, with what the message says about it (`about`)."""

    kind: str
    period_key: str
    item_key: str = ""
    audience: str = Entry.Audience.OWNER
    period_ends_on: date | None = None
    plan_id: int | None = None
    initiative_id: int | None = None
    metric_id: int | None = None
    about: object = field(default=None, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.item_key, self.period_key)


@dataclass
class Outgoing:
    """What one recipient may be sent in this run; `build` makes the e-mail from the claimed parts."""

    recipient: Recipient
    parts: list[Part]
    build: Callable[[list[Part]], EmailMessage]


@dataclass
class Delivery:
    """The outcome of a run: who was reached with which parts, who was not and why."""

    sent: list[tuple[Recipient, list[Part]]] = field(default_factory=list)
    skipped: list[tuple[Recipient, str]] = field(default_factory=list)
    failed: list[tuple[Recipient, str]] = field(default_factory=list)

    @property
    def reached(self) -> list[Recipient]:
        return [recipient for recipient, _ in self.sent]


def _row_keys(queryset) -> set[tuple]:
    return {
        (row[0], (row[1], row[2], row[3]))
        for row in queryset.values_list("recipient_id", "kind", "item_key", "period_key")
    }


def _claim(item: Outgoing, *, token: str, sent_by=None) -> set[tuple]:
    """Claim the parts of one recipient's message in one transaction; returns the (recipient id,
    part key) pairs this run owns. One message at a time, so a run that dies leaves at most the
    message it was sending unaccounted for, never the rest of the run."""
    now = timezone.now()
    recipient_id = item.recipient.user_id
    wanted = {(recipient_id, part.key) for part in item.parts}
    rows = [
        Entry(
            recipient_id=recipient_id,
            kind=part.kind,
            item_key=part.item_key,
            period_key=part.period_key,
            period_ends_on=part.period_ends_on,
            plan_id=part.plan_id,
            initiative_id=part.initiative_id,
            metric_id=part.metric_id,
            audience=part.audience,
            state=Entry.State.SENDING,
            claim=token,
            claimed_at=now,
            sent_by=sent_by,
        )
        for part in item.parts
    ]
    with transaction.atomic():
        Entry.objects.bulk_create(rows, ignore_conflicts=True)
        failed = Entry.objects.filter(recipient_id=recipient_id, state=Entry.State.FAILED)
        retry = [
            pk
            for pk, *key in failed.values_list("pk", "recipient_id", "kind", "item_key", "period_key")
            if (key[0], tuple(key[1:])) in wanted
        ]
        if retry:
            # The state condition makes two runs that race for a failed row take it once.
            Entry.objects.filter(pk__in=retry, state=Entry.State.FAILED).update(
                state=Entry.State.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1, error=""
            )
        return _row_keys(Entry.objects.filter(claim=token)) & wanted


def _unsent(outgoing: list[Outgoing]) -> set[tuple]:
    """The parts a run would claim now (for a dry run): no row yet, or a failed one."""
    wanted = {(item.recipient.user_id, part.key) for item in outgoing for part in item.parts}
    done = Entry.objects.filter(recipient_id__in={item.recipient.user_id for item in outgoing}).exclude(
        state=Entry.State.FAILED
    )
    return wanted - _row_keys(done)


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "planboard.invalid"


def _record(token: str, recipient: Recipient, **fields) -> None:
    Entry.objects.filter(claim=token, recipient_id=recipient.user_id, state=Entry.State.SENDING).update(**fields)


def deliver(outgoing: list[Outgoing], *, dry_run: bool = False, sent_by=None) -> Delivery:
    """Claim, send and record each recipient's message over one mail connection.

    Queries: a few per message (claim, record), or for a dry run one to look, whatever the number.
    """
    result = Delivery()
    reachable = []
    for item in outgoing:
        if item.recipient.reachable:
            reachable.append(item)
        else:
            result.skipped.append((item.recipient, "no e-mail address"))
    if not reachable:
        return result
    would_send = _unsent(reachable) if dry_run else set()
    connection = None
    try:
        for item in reachable:
            token = uuid.uuid4().hex
            ours = would_send if dry_run else _claim(item, token=token, sent_by=sent_by)
            parts = [part for part in item.parts if (item.recipient.user_id, part.key) in ours]
            if not parts:
                result.skipped.append((item.recipient, "already sent"))
                continue
            if dry_run:
                result.sent.append((item.recipient, parts))
                continue
            message = item.build(parts)
            message.extra_headers["Message-ID"] = message_id = make_msgid(domain=_mail_domain())
            connection = connection or get_connection()
            try:
                delivered = connection.send_messages([message])
            except Exception as error:  # noqa: BLE001 - any mail server failure leaves the claim retryable
                logger.exception("Reminder to user %s not sent.", item.recipient.user_id)
                why = f"{type(error).__name__}: {error}"
                _record(token, item.recipient, state=Entry.State.FAILED, error=why[:2000])
                result.failed.append((item.recipient, why))
                connection.close()  # a broken SMTP session is not reused; the next message opens a new one
                continue
            if not delivered:
                _record(token, item.recipient, state=Entry.State.FAILED, error="The mail backend accepted no message.")
                result.failed.append((item.recipient, "the mail backend accepted no message"))
                continue
            _record(token, item.recipient, state=Entry.State.SENT, sent_at=timezone.now(), message_id=message_id)
            result.sent.append((item.recipient, parts))
    finally:
        if connection is not None:
            connection.close()
    return result


def stuck_claims(*, older_than: timedelta = timedelta(hours=1)):
    """Rows left "sending" by a run that died between claiming and recording (see the docstring)."""
    return Entry.objects.filter(state=Entry.State.SENDING, claimed_at__lt=timezone.now() - older_than)


def stuck_claims_release(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Mark stuck claims failed so the next run sends them (an operator's decision: see the docstring)."""
    return stuck_claims(older_than=older_than).update(
        state=Entry.State.FAILED, error="Released by an operator after the run that claimed it died."
    )
