"""Reminder e-mails: the weekly digest (digest.py), the reporting cycle's due/late reminders and
escalations (cycle.py), who gets them (recipients.py), the ledger that sends each once
(ledger.py), the signed links (links.py), the pages (views.py) and the services that run it all
(services.py: reminders_send, due_reminders_send, reminder_send_now)."""
