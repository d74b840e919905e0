""" "Send a reminder now" from the reporting tracker: the one place the tracker sends.

The sending, its rate limit (one such reminder per recipient per REMINDER_SEND_NOW_INTERVAL_MINUTES,
counted in the reminder ledger, whoever asked) and its log (a ledger row of kind "manual" naming who
asked, and a log line) are helper reminders' `reminder_send_now` (reports/reminders/services.py).
This wrapper only checks that the person asking may use the tracker, so that the page and the
service agree on who sees the button.
"""

from django.core.exceptions import PermissionDenied

from planboard.core import permissions
from reports.reminders import reminder_send_now


def tracker_remind(*, actor, plan, period, user_ids: list[int]):
    """Remind `user_ids` now of what they owe for `period` of `plan`; the ledger's Delivery
    (`reached`, `skipped` with reasons, `failed`)."""
    if not permissions.can_track_reporting(actor, plan):
        raise PermissionDenied("You may not send reminders for this plan.")
    return reminder_send_now(actor=actor, plan=plan, period=period, user_ids=user_ids)
