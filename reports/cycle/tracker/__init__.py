"""The CIO's reporting tracker: who has reported for a plan's period, by department and by owner,
and "send a reminder now" (rate-limited per recipient, logged in ReminderRequest)."""
