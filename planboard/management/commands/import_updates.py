"""`python manage.py import_updates FILE --user USERNAME`: all or nothing; every problem is listed."""

from planboard.transfer.command_support import ImportCommand


class Command(ImportCommand):
    kind = "updates"
    help = (
        "Import a batch of status updates from .xlsx or .csv, posted through the same service as the browser. "
        "Rows identical to an update already recorded are skipped."
    )
