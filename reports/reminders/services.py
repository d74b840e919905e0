"""Sending reminders: the weekly digest, the daily "due soon / late" run, and "send a reminder now".

Every send goes through the ledger (ledger.deliver), so each message part goes out once. The
per-user setting (ReminderSetting) decides what a person gets:

| setting           | weekly digest            | due soon / late reminders | escalations |
| ---               | ---                      | ---                       | ---         |
| weekly (default)  | yes                      | yes                       | yes         |
| due_only          | only its escalations     | yes                       | yes         |
| escalations_only  | only its escalations     | no                        | yes         |

A "send now" by the CIO is sent whatever the setting: a person asked for by name is told.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from planboard.core import permissions
from planboard.core.audit import save_audited
from reports.models import ReminderLedgerEntry, ReminderSetting
from reports.reminders import cycle, digest, links
from reports.reminders.ledger import Delivery, Outgoing, Part, deliver
from reports.reminders.recipients import Recipient, reminder_settings, user_recipient

logger = logging.getLogger(__name__)
Kind = ReminderLedgerEntry.Kind
Choice = ReminderSetting.Choice


def _links(user_id: int) -> dict:
    return {
        "update_link": links.update_link(user_id),
        "unsubscribe_link": links.unsubscribe_link(user_id),
        "settings_link": settings.SITE_URL + reverse("reminder-settings"),
        "link_days": settings.REMINDER_LINK_MAX_AGE_DAYS,
    }


def _with_headers(message, user_id: int):
    message.extra_headers.update(links.reminder_headers(user_id))
    return message


def _log(run: str, today: datetime.date, result: Delivery, *, dry_run: bool) -> None:
    """One line that counts the people really reached, then who was not and why."""
    verb = "would send" if dry_run else "sent"
    tried = len(result.sent) + len(result.failed)
    if not tried and not result.skipped:
        logger.info("%s for %s: nothing to send.", run, today)
        return
    logger.info(
        "%s for %s: %s %d e-mail(s) reaching %d recipient(s); %d failed (sent again next run), %d skipped.",
        run, today, verb, len(result.sent), len(set(result.reached)), len(result.failed), len(result.skipped),
    )  # fmt: skip
    without_address = [r.user_id for r, why in result.skipped if why == "no e-mail address"]
    if without_address:
        logger.warning(
            "%s: skipped %d user(s) without an e-mail address (user ids %s).",
            run, len(without_address), ", ".join(map(str, without_address)),
        )  # fmt: skip


def _week_key(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_outgoing(digests: list[digest.Digest], *, today: datetime.date) -> list[Outgoing]:
    """Each digest as ledger parts: the digest itself (own items, weekly setting only) and one
    escalation part per escalated item (every setting), all keyed to the ISO week."""
    week = _week_key(today)
    chosen = reminder_settings(d.recipient.user_id for d in digests)
    outgoing = []
    for one in digests:
        parts = []
        if (one.initiatives or one.metrics) and chosen[one.recipient.user_id] == Choice.WEEKLY:
            parts.append(Part(kind=Kind.DIGEST, period_key=week))
        for items in one.escalations.values():
            for item in items:
                parts.append(
                    Part(
                        kind=Kind.ESCALATION,
                        period_key=week,
                        item_key=f"initiative:{item.id}",
                        audience=one.audiences[item.id],
                        plan_id=item.plan_id,
                        initiative_id=item.id,
                        about=item,
                    )
                )
        if parts:
            outgoing.append(Outgoing(one.recipient, parts, build=_digest_builder(one, today=today)))
    return outgoing


def _digest_builder(whole: digest.Digest, *, today: datetime.date):
    def build(parts: list[Part]):
        claimed = {part.about.id for part in parts if part.kind == Kind.ESCALATION}
        own = any(part.kind == Kind.DIGEST for part in parts)
        shown = digest.Digest(
            recipient=whole.recipient,
            initiatives=whole.initiatives if own else [],
            metrics=whole.metrics if own else [],
            escalations={
                heading: kept
                for heading, items in whole.escalations.items()
                if (kept := [item for item in items if item.id in claimed])
            },
            audiences=whole.audiences,
        )
        message = digest.digest_message(shown, today=today, links=_links(whole.recipient.user_id))
        return _with_headers(message, whole.recipient.user_id)

    return build


def reminders_send(*, today: datetime.date | None = None, plan_slug: str | None = None, dry_run: bool = False):
    """Send the weekly reminder digests; returns the ledger's Delivery (who got what, who not, why).

    Run it twice, or have Celery deliver the task again, and nothing is sent twice (the ledger).
    """
    today = today or timezone.localdate()
    outgoing = digest_outgoing(digest.reminder_digests(today=today, plan_slug=plan_slug), today=today)
    result = deliver(outgoing, dry_run=dry_run)
    _log("Reminder digest", today, result, dry_run=dry_run)
    return result


def due_reminders_send(*, today: datetime.date | None = None, plan_slug: str | None = None, dry_run: bool = False):
    """The daily run of the reporting cycle: "due soon" and "late" reminders to owners who want
    them, escalations of items late for long (or with nobody to remind) to whoever is there."""
    today = today or timezone.localdate()
    owed = cycle.owed_items(today=today, plan_slug=plan_slug)
    outgoing = cycle.cycle_outgoing(owed, today=today, build=_cycle_builder(today=today))
    result = deliver(outgoing, dry_run=dry_run)
    _log("Due and late reminders", today, result, dry_run=dry_run)
    return result


def _cycle_builder(*, today: datetime.date):
    def for_recipient(recipient, *, note: str = ""):
        def build(parts: list[Part]):
            message = cycle.cycle_message(recipient, parts, today=today, links=_links(recipient.user_id), note=note)
            return _with_headers(message, recipient.user_id)

        return build

    return for_recipient


def reminder_send_now(*, actor, plan, period, user_ids) -> Delivery:
    """The tracker's "send a reminder now" (the CIO, administrators and the plan's editors), for `period`.

    Sent to each of `user_ids` who still owes something for the period, at most once per
    recipient per REMINDER_SEND_NOW_INTERVAL_MINUTES (counted in the ledger, whoever sent the
    earlier one). Returns who was reached and who was skipped and why. Each send is a ledger row
    (kind "manual", sent_by the actor) and a log line: that is its audit record.
    """
    # Who may use the tracker's button: the CIO/administrators and the plan's editors, the rule of
    # the tracker (`can_track_reporting` on branch updateall is can_edit_plan).
    if not permissions.can_edit_plan(actor, plan):
        raise PermissionDenied("You may not send reminders for this plan.")
    now = timezone.now()
    interval = datetime.timedelta(minutes=settings.REMINDER_SEND_NOW_INTERVAL_MINUTES)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=set(user_ids))}
    recent = dict(
        ReminderLedgerEntry.objects.filter(kind=Kind.MANUAL, recipient_id__in=users, claimed_at__gte=now - interval)
        .exclude(state=ReminderLedgerEntry.State.FAILED)
        .values_list("recipient_id", "claimed_at")
    )
    owed = cycle.items_owed_for_period(plan=plan, period=period, user_ids=set(users), today=timezone.localdate())
    result, outgoing = Delivery(), []
    # Two sends at least an interval apart fall in different windows, so the ledger's unique key
    # lets the next one through while two clicks at the same moment still send once.
    bucket = f"{period.key}@{int(now.timestamp() // interval.total_seconds())}"
    for user_id in user_ids:
        user = users.get(user_id)
        if user is None or not user.is_active:
            nobody = Recipient(user_id=user_id, email="", name=f"user {user_id}")
            result.skipped.append((user_recipient(user) if user else nobody, "no such active user"))
            continue
        person = user_recipient(user)
        if user_id in recent:
            at = timezone.localtime(recent[user_id])
            result.skipped.append((person, f"already reminded at {at:%H:%M}, less than an hour ago"))
            continue
        items = owed.get(user_id, [])
        if not items:
            result.skipped.append((person, f"owes nothing for {period.label}"))
            continue
        part = Part(
            kind=Kind.MANUAL,
            period_key=bucket,
            period_ends_on=period.ends_on,
            plan_id=plan.pk,
            about=items,
        )
        note = f"{actor.get_full_name() or actor.get_username()} asked Planboard to remind you."
        outgoing.append(
            Outgoing(person, [part], build=_manual_builder(person, items, today=timezone.localdate(), note=note))
        )
    delivered = deliver(outgoing, sent_by=actor)
    result.sent += delivered.sent
    result.skipped += delivered.skipped
    result.failed += delivered.failed
    logger.info(
        "Reminder sent now by user %s for %s %s: reached %s; skipped %s.",
        actor.pk, plan.slug, period.key,
        [r.user_id for r in result.reached] or "nobody",
        [(r.user_id, why) for r, why in result.skipped] or "nobody",
    )  # fmt: skip
    return result


def _manual_builder(person, items, *, today, note):
    def build(parts: list[Part]):
        owed_parts = [
            Part(kind=Kind.LATE if item.state == "late" else Kind.DUE, period_key="", about=item) for item in items
        ]
        message = cycle.cycle_message(person, owed_parts, today=today, links=_links(person.user_id), note=note)
        return _with_headers(message, person.user_id)

    return build


def reminder_setting_update(*, user, reminders: str, reason: str = "") -> ReminderSetting:
    """Store `user`'s reminder setting (audited); `reminders` must be one of ReminderSetting.Choice."""
    setting = ReminderSetting.objects.filter(user=user).first() or ReminderSetting(user=user)
    setting.reminders = reminders
    save_audited(setting, actor=user, reason=reason)
    return setting
