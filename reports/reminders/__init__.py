"""Reminder e-mails: the weekly digest (digest.py), the reporting cycle's due/late reminders and
escalations (cycle.py), who gets them (recipients.py), the ledger that sends each once
(ledger.py), the signed links (links.py), the pages (views.py) and the services that run it all
(services.py: reminders_send, due_reminders_send, reminder_send_now)."""

SERVICES = ("reminders_send", "due_reminders_send", "reminder_send_now", "reminder_setting_update")


def __getattr__(name: str):
    # `from reports.reminders import reminder_send_now` without loading the services (and the
    # models they import) whenever any module of the package is imported.
    if name in SERVICES:
        from reports.reminders import services

        return getattr(services, name)
    raise AttributeError(name)
