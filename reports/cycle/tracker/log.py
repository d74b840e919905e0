"""The log of "send a reminder now" from the reporting tracker; also the rate limit's memory."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# A recipient gets at most one reminder sent by hand in this time, whoever asks and for whichever plan.
RATE_LIMIT = datetime.timedelta(hours=1)


class ReminderRequest(models.Model):
    """One recipient reminded by hand from the tracker: who asked, when, for which plan and period.

    Rows are kept for every request, including those held back by the rate limit (`sent` false),
    so the log answers "who nudged whom, and was it sent"."""

    plan = models.ForeignKey("goals.Plan", on_delete=models.CASCADE, related_name="reminder_requests")
    period_key = models.CharField(max_length=20)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    sent = models.BooleanField(default=False)

    class Meta:
        app_label = "reports"
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["recipient", "-requested_at"], name="reminder_request_recent")]

    def __str__(self) -> str:
        return f"Reminder to {self.recipient_id} for {self.period_key} at {self.requested_at:%Y-%m-%d %H:%M}"
