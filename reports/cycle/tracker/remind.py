""" "Send a reminder now" from the reporting tracker: `tracker_remind` checks the permission, holds
back recipients reminded by hand within the last hour (RATE_LIMIT), logs every request, and has the
rest sent by `_send`.

Two clicks at the same moment (two browser tabs) cannot both send: the recipients' user rows are
locked while their recent reminders are read and the new ones logged."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from planboard.core import permissions
from reports.cycle.tracker.log import RATE_LIMIT, ReminderRequest


@dataclass
class RemindOutcome:
    sent: list = field(default_factory=list)  # users reminded now
    held_back: list[tuple] = field(default_factory=list)  # (user, when they may be reminded again)


def tracker_remind(*, actor, plan, period, user_ids: list[int], now: datetime.datetime | None = None) -> RemindOutcome:
    """Remind `user_ids` now of what they owe for `period` of `plan` (CIO, administrators, plan editors)."""
    if not permissions.can_track_reporting(actor, plan):
        raise PermissionDenied("You may not send reminders for this plan.")
    now = now or timezone.now()
    outcome = RemindOutcome()
    with transaction.atomic():
        users = list(get_user_model().objects.select_for_update().filter(pk__in=set(user_ids)).order_by("pk"))
        last = {}
        for recipient_id, requested_at in (
            ReminderRequest.objects.filter(recipient__in=users, sent=True, requested_at__gt=now - RATE_LIMIT)
            .order_by("requested_at")
            .values_list("recipient_id", "requested_at")
        ):
            last[recipient_id] = requested_at
        for user in users:
            if user.pk in last:
                outcome.held_back.append((user, last[user.pk] + RATE_LIMIT))
            else:
                outcome.sent.append(user)
        ReminderRequest.objects.bulk_create(
            [
                ReminderRequest(
                    plan=plan, period_key=period.key, recipient=user, requested_by=actor, requested_at=now, sent=sent
                )
                for sent, group in ((True, outcome.sent), (False, [user for user, _ in outcome.held_back]))
                for user in group
            ]
        )
        if outcome.sent:
            _send(actor=actor, plan=plan, period=period, users=outcome.sent)
    return outcome


def _send(*, actor, plan, period, users: list) -> None:
    """The one place the tracker sends: helper `reminders`' `reminder_send_now` once it is merged.

    TODO(reminders): when reports.reminders provides `reminder_send_now(*, actor, plan, period,
    user_ids)` (the ledger, escalation settings, the signed link), this calls it; until then the
    minimal e-mail below is sent through Django's mail, with no ledger and a plain link.
    """
    try:
        from reports.reminders import reminder_send_now
    except ImportError:
        reminder_send_now = None
    if reminder_send_now is not None:
        reminder_send_now(actor=actor, plan=plan, period=period, user_ids=[user.pk for user in users])
        return
    link = settings.SITE_URL.rstrip("/") + reverse("cycle:update_all")
    for user in users:
        if not user.email:
            continue
        send_mail(
            subject=f"Reminder: your {period.label} updates for {plan.title}",
            message=(
                f"Hello {user.get_full_name() or user.username},\n\n"
                f"{actor.get_full_name() or actor.username} asks you to post your updates for {period.label} "
                f"of {plan.title}, due {period.due_on:%B %-d, %Y}.\n\n"
                f"Update all your items on one page: {link}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
